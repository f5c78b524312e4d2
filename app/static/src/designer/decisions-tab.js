// The Decision tables tab: the dmn-js modeler, with a button per view (the decision
// requirements diagram and each decision table). A process without tables starts from one
// empty decision table ("Add decision tables").
import DmnModeler from 'dmn-js/lib/Modeler'

import { element } from './dom.js'

export const EMPTY_DMN = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"
             xmlns:dmndi="https://www.omg.org/spec/DMN/20191111/DMNDI/"
             xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/"
             id="Definitions_decisions" name="Decisions" namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="decision_1" name="Decision 1">
    <decisionTable id="DecisionTable_1" hitPolicy="UNIQUE">
      <input id="Input_1" label="Input">
        <inputExpression id="InputExpression_1" typeRef="string"><text></text></inputExpression>
      </input>
      <output id="Output_1" label="Output" name="output" typeRef="string" />
    </decisionTable>
  </decision>
  <dmndi:DMNDI>
    <dmndi:DMNDiagram id="DMNDiagram_decisions">
      <dmndi:DMNShape id="DMNShape_decision_1" dmnElementRef="decision_1">
        <dc:Bounds height="80" width="180" x="160" y="100" />
      </dmndi:DMNShape>
    </dmndi:DMNDiagram>
  </dmndi:DMNDI>
</definitions>
`

export function createDecisionsTab (panel) {
  const views = element('div', { className: 'app-designer__dmn-views' })
  views.setAttribute('role', 'group')
  views.setAttribute('aria-label', 'Views of the decision tables')
  const container = element('div', { className: 'app-designer__dmn' })
  panel.append(views, container)
  const modeler = new DmnModeler({ container })
  let loaded = false

  modeler.on('views.changed', function ({ views: all, activeView }) {
    views.replaceChildren(...all.map(function (view) {
      const button = element('button', {
        type: 'button', className: 'govuk-button govuk-button--secondary app-designer__dmn-view'
      }, describe(view))
      button.setAttribute('aria-pressed', String(view === activeView))
      button.addEventListener('click', function () { modeler.open(view) })
      return button
    }))
  })

  return {
    modeler,
    open: async function (xml) {
      const result = await modeler.importXML(xml)
      loaded = true
      const table = modeler.getViews().find(function (view) { return view.type === 'decisionTable' })
      if (table) { await modeler.open(table) }
      return result.warnings || []
    },
    xml: async function () {
      return loaded ? (await modeler.saveXML({ format: true })).xml : ''
    },
    isLoaded: function () { return loaded }
  }
}

function describe (view) {
  const name = (view.element && (view.element.name || view.element.id)) || ''
  if (view.type === 'drd') { return 'Decision requirements' }
  if (view.type === 'decisionTable') { return 'Table: ' + name }
  return name
}
