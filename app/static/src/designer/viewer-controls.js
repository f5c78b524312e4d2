// Zoom buttons for a drawn diagram: real <button>s in the GOV.UK secondary style, placed just
// before the diagram's container (which is an image to assistive technology).

export function addZoomControls (container, diagram) {
  const canvas = diagram.get('canvas')
  const zoomScroll = diagram.get('zoomScroll')
  const which = describe(container)
  const group = document.createElement('div')
  group.className = 'app-diagram-controls'
  group.setAttribute('role', 'group')
  group.setAttribute('aria-label', 'Zoom ' + which)
  group.append(
    button('Zoom in', which, function () { zoomScroll.stepZoom(1) }),
    button('Zoom out', which, function () { zoomScroll.stepZoom(-1) }),
    button('Fit to screen', which, function () { canvas.zoom('fit-viewport', 'auto') })
  )
  container.parentNode.insertBefore(group, container)
  return group
}

function button (text, which, onClick) {
  const element = document.createElement('button')
  element.type = 'button'
  element.className = 'govuk-button govuk-button--secondary app-diagram-controls__button'
  element.append(text)
  // Several diagrams may share a page: the hidden words say which one a button acts on.
  const hidden = document.createElement('span')
  hidden.className = 'govuk-visually-hidden'
  hidden.textContent = ' (' + which + ')'
  element.append(hidden)
  element.addEventListener('click', onClick)
  return element
}

function describe (container) {
  const label = container.getAttribute('aria-label') || 'The diagram'
  return label.charAt(0).toLowerCase() + label.slice(1)
}

/** diagram-js-minimap's open/close control is a <div>: make it a button for the keyboard and
 * for assistive technology too. */
export function makeMinimapToggleAccessible (container, diagram) {
  const toggle = container.querySelector('.djs-minimap .toggle')
  if (!toggle) { return }
  const minimap = diagram.get('minimap')
  toggle.setAttribute('role', 'button')
  toggle.setAttribute('aria-label', 'Minimap')
  toggle.tabIndex = 0
  const state = function () { toggle.setAttribute('aria-expanded', String(minimap.isOpen())) }
  toggle.addEventListener('keydown', function (event) {
    if (event.key !== 'Enter' && event.key !== ' ') { return }
    event.preventDefault()
    minimap.toggle()
  })
  diagram.get('eventBus').on('minimap.toggle', state)
  state()
}
