// The Diagram tab: the bpmn-js modeler with the properties panel (standard groups plus our
// "Casework" group) and the spiffworkflow extension, so what the product reads round-trips.
import Modeler from 'bpmn-js/lib/Modeler'
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel'
import { getBBox } from 'diagram-js/lib/util/Elements'

import caseworkPropertiesModule from './casework-provider.js'
import { addMarkers, removeMarkers } from './markers.js'
import spiffworkflow from './spiffworkflow.json'

export function createDiagramTab (panel, { formIds }) {
  const layout = document.createElement('div')
  layout.className = 'app-designer__diagram'
  const canvasElement = document.createElement('div')
  canvasElement.className = 'app-designer__canvas'
  canvasElement.id = 'app-designer-canvas'
  const propertiesElement = document.createElement('div')
  propertiesElement.className = 'app-designer__properties'
  propertiesElement.setAttribute('aria-label', 'Properties of the selected element')
  propertiesElement.setAttribute('role', 'region')
  layout.append(canvasElement, propertiesElement)
  panel.append(layout)

  const modeler = new Modeler({
    container: canvasElement,
    propertiesPanel: { parent: propertiesElement },
    additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, caseworkPropertiesModule],
    moddleExtensions: { spiffworkflow },
    casework: { formIds }
  })
  let problemIds = []

  return {
    modeler,

    /** Draws the XML; answers the import's warnings (parts it could not read). */
    open: async function (xml) {
      const result = await modeler.importXML(xml)
      modeler.get('canvas').zoom('fit-viewport', 'auto')
      return result.warnings || []
    },

    xml: async function () {
      return (await modeler.saveXML({ format: true })).xml
    },

    has: function (id) {
      return Boolean(id && modeler.get('elementRegistry').get(id))
    },

    select: function (id) {
      const element = modeler.get('elementRegistry').get(id)
      if (!element) { return false }
      modeler.get('selection').select(element)
      centre(modeler.get('canvas'), element)
      return true
    },

    markProblems: function (ids) {
      removeMarkers(modeler, problemIds, 'problem')
      const markers = {}
      ids.forEach(function (id) { markers[id] = 'problem' })
      problemIds = addMarkers(modeler, markers)
    },

    shown: function () {
      modeler.get('canvas').resized()
    },

    /** Moves focus (and so the page's scroll) to the canvas, where the modeler's keys work. */
    focus: function () {
      const svg = canvasElement.querySelector('.djs-container > svg') // diagram-js makes it focusable
      if (svg) { svg.focus() }
    }
  }
}

// Scrolls the element to the middle of the canvas (clear of the palette), keeping the zoom.
function centre (canvas, element) {
  const box = getBBox(element)
  const viewbox = canvas.viewbox()
  canvas.viewbox({
    x: box.x + box.width / 2 - viewbox.width / 2,
    y: box.y + box.height / 2 - viewbox.height / 2,
    width: viewbox.width,
    height: viewbox.height
  })
}
