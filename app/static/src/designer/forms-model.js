// forms_json, {"process": "<id>", "forms": [<form-js schema>, ...]}, and how a schema goes
// through the form editor and back without losing what the editor does not know: our GOV.UK
// messages and rule names in components' `properties`, and any key we add later.
//
// When a form is opened, every component gets a temporary id so it can be found again, and the
// editor's first export (the baseline) is compared with the original. Wherever they differ (a
// key the editor dropped, added or rewrote) and the final export still holds the baseline value
// (nobody edited it), the original value is put back. Edits are kept.

const TEMPORARY_ID = 'Field_casework_'
const ABSENT = undefined

export function parseFormsJson (text) {
  const parsed = text ? JSON.parse(text) : {}
  const wrapper = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {}
  const forms = Array.isArray(wrapper.forms) ? wrapper.forms : []
  return { wrapper, forms: forms.map(function (schema) { return { id: schema.id, original: schema } }) }
}

export function serialiseFormsJson (model, schemas) {
  const out = {}
  Object.keys(model.wrapper).forEach(function (key) { out[key] = model.wrapper[key] })
  if (!('forms' in out)) { out.forms = [] }
  out.forms = schemas
  return JSON.stringify(out, null, 2) + '\n'
}

/** A copy of the schema for the editor, each component with an id, and what maps them back. */
export function prepareForEditor (original) {
  const schema = clone(original)
  const temporary = new Set()
  let counter = 0
  walkComponents(schema, function (component) {
    if (!component.id) {
      counter += 1
      component.id = TEMPORARY_ID + counter
      temporary.add(component.id)
    }
  })
  const originals = new Map([[null, original]])
  walkComponents(schema, function (component, index, path) {
    originals.set(component.id, componentAt(original, path))
  })
  return { schema, temporary, originals, differences: null }
}

/** Compares the editor's first export with the original (call right after import). */
export function recordBaseline (prepared, baseline) {
  const differences = [{ id: null, list: diff(withoutComponents(prepared.originals.get(null) || {}), withoutComponents(baseline)) }]
  walkComponents(baseline, function (component) {
    const original = prepared.originals.get(component.id)
    if (!original) { return }
    const originalCopy = clone(original)
    if (prepared.temporary.has(component.id)) { originalCopy.id = component.id }
    differences.push({ id: component.id, list: diff(withoutComponents(originalCopy), withoutComponents(component)) })
  })
  prepared.differences = differences
}

/** The editor's export with the untouched differences undone and the temporary ids removed. */
export function restore (prepared, exported) {
  const schema = clone(exported)
  const byId = new Map([[null, schema]])
  walkComponents(schema, function (component) { byId.set(component.id, component) })
  ;(prepared.differences || []).forEach(function ({ id, list }) {
    const target = byId.get(id)
    if (!target) { return }
    list.forEach(function ({ path, original, baseline }) {
      if (equal(get(target, path), baseline)) { set(target, path, original) }
    })
  })
  walkComponents(schema, function (component) {
    if (prepared.temporary.has(component.id)) { delete component.id }
  })
  return schema
}

// helpers ////////////////////////////////////////////////////////////////////////////////

function walkComponents (schema, visit, path) {
  (schema.components || []).forEach(function (component, index) {
    const here = (path || []).concat([index])
    visit(component, index, here)
    walkComponents(component, visit, here)
  })
}

function componentAt (schema, path) {
  return path.reduce(function (node, index) { return node.components[index] }, schema)
}

function withoutComponents (node) {
  const copy = {}
  Object.keys(node).forEach(function (key) { if (key !== 'components') { copy[key] = node[key] } })
  return copy
}

// Leaf-level differences between two plain objects, as paths.
function diff (original, baseline, path) {
  const found = []
  const keys = new Set(Object.keys(original).concat(Object.keys(baseline)))
  keys.forEach(function (key) {
    const here = (path || []).concat([key])
    const a = original[key]
    const b = baseline[key]
    if (isPlainObject(a) && isPlainObject(b)) {
      found.push(...diff(a, b, here))
    } else if (!equal(a, b)) {
      found.push({ path: here, original: a === ABSENT ? ABSENT : clone(a), baseline: b === ABSENT ? ABSENT : clone(b) })
    }
  })
  return found
}

function get (node, path) {
  return path.reduce(function (value, key) { return isPlainObject(value) ? value[key] : ABSENT }, node)
}

function set (node, path, value) {
  let parent = node
  for (let i = 0; i < path.length - 1; i++) {
    if (!isPlainObject(parent[path[i]])) {
      if (value === ABSENT) { return }
      parent[path[i]] = {}
    }
    parent = parent[path[i]]
  }
  const last = path[path.length - 1]
  if (value === ABSENT) { delete parent[last] } else { parent[last] = clone(value) }
}

function isPlainObject (value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

export function equal (a, b) {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b))
}

function canonical (value) {
  if (Array.isArray(value)) { return value.map(canonical) }
  if (isPlainObject(value)) {
    const out = {}
    Object.keys(value).sort().forEach(function (key) {
      if (value[key] !== undefined) { out[key] = canonical(value[key]) }
    })
    return out
  }
  return value
}

export function clone (value) {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value))
}
