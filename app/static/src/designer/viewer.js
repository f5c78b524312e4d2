// Draws every .app-diagram[data-src] element from the BPMN at data-src, read-only, with zoom
// and pan, zoom buttons, a minimap for large diagrams, and optional markers (data-markers), count
// badges (data-counts), short labels under elements (data-notes), and a first view close on
// some elements (data-focus: their ids, space-separated). Sets data-drawn="true" on the container once drawn.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer'
import minimapModule from 'diagram-js-minimap'

import { addCounts, addMarkers, addNotes, focusOn, jsonAttribute } from './markers.js'
import { addZoomControls, makeMinimapToggleAccessible } from './viewer-controls.js'

import 'bpmn-js/dist/assets/diagram-js.css'
import 'bpmn-js/dist/assets/bpmn-js.css'
import 'diagram-js-minimap/assets/diagram-js-minimap.css'
import './markers.css'
import './viewer.css'

// A diagram with more flow elements than this (tasks, events, gateways, sequence flows…)
// gets a minimap (closed at first in an .app-diagram--small frame).
export const MINIMAP_ABOVE = 25

function draw (container) {
  const viewer = new NavigatedViewer({
    container,
    additionalModules: [minimapModule],
    minimap: { open: false }
  })
  return fetch(container.dataset.src, { credentials: 'same-origin' })
    .then(function (response) {
      if (!response.ok) { throw new Error('The diagram could not be loaded (' + response.status + ')') }
      return response.text()
    })
    .then(function (xml) { return viewer.importXML(xml) })
    .then(function () {
      viewer.get('canvas').zoom('fit-viewport', 'auto')
      if (countFlowElements(viewer) > MINIMAP_ABOVE) {
        container.classList.add('app-diagram--minimap')
        makeMinimapToggleAccessible(container, viewer)
        // in a small frame the minimap would hide most of the diagram: it starts closed there
        if (!container.classList.contains('app-diagram--small')) { viewer.get('minimap').open() }
      }
      addMarkers(viewer, jsonAttribute(container, 'data-markers'))
      addNotes(viewer, jsonAttribute(container, 'data-notes'))
      if (addCounts(viewer, jsonAttribute(container, 'data-counts'))) {
        // an image has no links inside it for assistive technology; a group does
        container.setAttribute('role', 'group')
      }
      focusOn(viewer, container.getAttribute('data-focus'))
      addZoomControls(container, viewer)
      container.setAttribute('data-drawn', 'true')
    })
    .catch(function (error) {
      viewer.destroy()
      container.textContent = error.message
    })
}

export function countFlowElements (diagram) {
  return diagram.get('elementRegistry').filter(function (element) {
    const businessObject = element.businessObject
    return !element.labelTarget && businessObject && businessObject.$instanceOf &&
      businessObject.$instanceOf('bpmn:FlowElement')
  }).length
}

document.querySelectorAll('.app-diagram[data-src]').forEach(draw)
