// Markers and count badges on a drawn diagram, shared by the viewer and the designer.

export const MARKER_KINDS = ['problem', 'added', 'removed', 'changed', 'active', 'done', 'waiting', 'taken']

const DESCRIPTIONS = {
  problem: 'has a problem',
  added: 'added',
  removed: 'removed',
  changed: 'changed',
  active: 'in progress',
  done: 'done',
  waiting: 'waiting',
  taken: 'taken'
}

/** The JSON in an element's data attribute, or null when it is absent or not JSON. */
export function jsonAttribute (element, name) {
  const text = element.getAttribute(name)
  if (!text) { return null }
  try {
    const value = JSON.parse(text)
    return value && typeof value === 'object' && !Array.isArray(value) ? value : null
  } catch (error) {
    return null
  }
}

/** `{"<element id>": "<kind>"}`: class app-marker--<kind> on each element the diagram has;
 * unknown ids and kinds are ignored. Returns the ids marked. */
export function addMarkers (diagram, markers) {
  const registry = diagram.get('elementRegistry')
  const canvas = diagram.get('canvas')
  const marked = []
  Object.keys(markers || {}).forEach(function (id) {
    const kind = markers[id]
    if (MARKER_KINDS.indexOf(kind) === -1 || !registry.get(id)) { return }
    canvas.addMarker(id, 'app-marker--' + kind)
    marked.push(id)
  })
  return marked
}

export function removeMarkers (diagram, ids, kind) {
  const registry = diagram.get('elementRegistry')
  const canvas = diagram.get('canvas')
  ids.forEach(function (id) {
    if (registry.get(id)) { canvas.removeMarker(id, 'app-marker--' + kind) }
  })
}

/** `{"<element id>": {"count": 3, "href": "/url"}}`: a badge link on each element. Links
 * leave for this site only. Returns the number of badges drawn. */
export function addCounts (diagram, counts) {
  const registry = diagram.get('elementRegistry')
  const overlays = diagram.get('overlays')
  let drawn = 0
  Object.keys(counts || {}).forEach(function (id) {
    const entry = counts[id]
    const element = registry.get(id)
    const href = entry && sameSiteHref(entry.href)
    if (!element || !href || !Number.isFinite(entry.count)) { return }
    const link = document.createElement('a')
    link.className = 'app-count-badge'
    link.href = href
    link.textContent = String(entry.count)
    link.setAttribute('aria-label', entry.count + ' at ' + nameOf(element))
    overlays.add(id, 'app-count', { position: { top: -12, right: 12 }, html: link })
    drawn += 1
  })
  return drawn
}

/** `{"<element id>": "short text"}`: a small label under each element (who holds a task, when a
 * timer is due). Text only, never HTML. Returns the number of labels drawn. */
export function addNotes (diagram, notes) {
  const registry = diagram.get('elementRegistry')
  const overlays = diagram.get('overlays')
  let drawn = 0
  Object.keys(notes || {}).forEach(function (id) {
    const text = notes[id]
    const element = registry.get(id)
    if (!element || typeof text !== 'string' || !text) { return }
    const note = document.createElement('span')
    note.className = 'app-diagram-note'
    note.textContent = text
    overlays.add(id, 'app-note', { position: { bottom: -4, left: 0 }, html: note })
    drawn += 1
  })
  return drawn
}

/** Brings the elements named in `ids` (a space-separated list) into view at up to full size,
 * when the whole diagram, fitted to the frame, draws them smaller: where a case is now, legible
 * at once ("Fit to screen" shows the whole again). Returns whether the view moved. */
export function focusOn (diagram, ids) {
  const registry = diagram.get('elementRegistry')
  const canvas = diagram.get('canvas')
  const shapes = String(ids || '').split(/\s+/).map(function (id) { return id && registry.get(id) })
    .filter(function (element) { return element && !element.waypoints })
  if (!shapes.length) { return false }
  const left = Math.min.apply(null, shapes.map(function (e) { return e.x }))
  const top = Math.min.apply(null, shapes.map(function (e) { return e.y }))
  const right = Math.max.apply(null, shapes.map(function (e) { return e.x + e.width }))
  const bottom = Math.max.apply(null, shapes.map(function (e) { return e.y + e.height }))
  const viewbox = canvas.viewbox()
  const margin = 120
  const scale = Math.min(1, viewbox.outer.width / (right - left + 2 * margin),
    viewbox.outer.height / (bottom - top + 2 * margin))
  if (scale <= viewbox.scale) { return false }
  const width = viewbox.outer.width / scale
  const height = viewbox.outer.height / scale
  canvas.viewbox({ x: (left + right - width) / 2, y: (top + bottom - height) / 2, width, height })
  return true
}

export function describeMarker (kind) {
  return DESCRIPTIONS[kind] || kind
}

export function nameOf (element) {
  const businessObject = element.businessObject || {}
  return businessObject.name || element.id
}

function sameSiteHref (href) {
  if (typeof href !== 'string' || !href) { return null }
  try {
    const url = new URL(href, window.location.href)
    return url.origin === window.location.origin ? url.href : null
  } catch (error) {
    return null
  }
}
