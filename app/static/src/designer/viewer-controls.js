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
