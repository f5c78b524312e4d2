// The process owner's designer, mounted on #app-designer (see README.md for the contract):
// loads the process's bundle (diagram, decision tables, forms), edits it in three tabs, and
// posts it back, showing what the server says. Edits are never thrown away.
import { loadBundle, saveBundle } from './bundle-io.js'
import { createDecisionsTab, EMPTY_DMN } from './decisions-tab.js'
import { createDiagramTab } from './diagram-tab.js'
import { element } from './dom.js'
import { createFormsTab } from './forms-tab.js'
import { createMessages } from './messages.js'
import { createTabs } from './tabs.js'

import 'bpmn-js/dist/assets/diagram-js.css'
import 'bpmn-js/dist/assets/bpmn-js.css'
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn.css'
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css'
import '@bpmn-io/form-js-viewer/dist/assets/form-js.css'
import '@bpmn-io/form-js-editor/dist/assets/form-js-editor-base.css'
import '@bpmn-io/form-js-editor/dist/assets/dragula.css'
import 'dmn-js/dist/assets/dmn-js-shared.css'
import 'dmn-js/dist/assets/dmn-js-drd.css'
import 'dmn-js/dist/assets/dmn-js-decision-table.css'
import 'dmn-js/dist/assets/dmn-js-decision-table-controls.css'
import 'dmn-js/dist/assets/dmn-js-literal-expression.css'
import 'dmn-js/dist/assets/dmn-js-boxed-expression.css'
import 'dmn-js/dist/assets/dmn-js-boxed-expression-controls.css'
import 'dmn-js/dist/assets/dmn-font/css/dmn.css'
import './markers.css'
import './designer.css'

async function mount (root) {
  const messages = element('div', { className: 'app-designer__messages' })
  const toolbar = element('div', { className: 'app-designer__toolbar' })
  const body = element('div', { className: 'app-designer__body' })
  root.classList.add('app-designer')
  root.replaceChildren(messages, toolbar, body)

  let bundle
  try {
    bundle = await loadBundle(root.dataset.bundleUrl)
  } catch (error) {
    messages.append(element('p', { className: 'govuk-body app-designer__load-error' }, error.message))
    return
  }

  let dirty = false
  const changed = function () { dirty = true }
  let diagram, forms, decisions
  const tabs = createTabs(body, [
    { id: 'diagram', label: 'Diagram' },
    { id: 'forms', label: 'Forms' },
    { id: 'decisions', label: 'Decision tables' }
  ], {
    onShow: function (id) {
      if (id === 'diagram' && diagram) { diagram.shown() }
      if (id === 'forms' && forms) { forms.shown() }
    }
  })

  forms = createFormsTab(tabs.panels.forms, bundle.forms_json, { onChange: changed })
  diagram = createDiagramTab(tabs.panels.diagram, { formIds: forms.ids })
  decisions = createDecisionsTab(tabs.panels.decisions)
  const notices = createMessages(messages, {
    hasElement: diagram.has,
    selectElement: function (id) {
      tabs.show('diagram')
      diagram.select(id)
      diagram.focus()
    }
  })

  const addTables = element('button', { type: 'button', className: 'govuk-button govuk-button--secondary' }, 'Add decision tables')
  const save = element('button', { type: 'button', className: 'govuk-button app-designer__save' }, 'Save draft')
  toolbar.append(save, addTables)

  tabs.show('diagram')
  notices.importWarnings('diagram', await diagram.open(bundle.bpmn_xml))
  diagram.modeler.on('commandStack.changed', changed)
  forms.onEdit(changed)
  if (bundle.dmn_xml) {
    notices.importWarnings('decision tables file', await decisions.open(bundle.dmn_xml))
  }
  // each view of the decision tables (the diagram, each table) has its own command stack
  const watched = new Set()
  const watchDecisions = function () {
    const viewer = decisions.modeler.getActiveViewer()
    if (viewer && !watched.has(viewer)) {
      watched.add(viewer)
      viewer.get('eventBus').on('commandStack.changed', changed)
    }
  }
  decisions.modeler.on('views.changed', watchDecisions)
  watchDecisions()
  tabs.setHidden('decisions', !decisions.isLoaded())
  addTables.hidden = decisions.isLoaded()

  addTables.addEventListener('click', async function () {
    notices.importWarnings('decision tables file', await decisions.open(EMPTY_DMN))
    addTables.hidden = true
    tabs.setHidden('decisions', false)
    tabs.show('decisions')
    changed()
  })

  save.addEventListener('click', async function () {
    save.disabled = true
    try {
      const payload = {
        process_id: bundle.process_id,
        bpmn_xml: await diagram.xml(),
        dmn_xml: await decisions.xml(),
        forms_json: forms.json()
      }
      const answer = await saveBundle(root.dataset.saveUrl, root.dataset.csrfToken || '', payload)
      const problems = answer.problems
      diagram.markProblems(problems.map(function (p) { return p.element_id }).filter(Boolean))
      if (answer.outcome === 'saved') {
        dirty = false
        notices.saved(problems)
      } else if (answer.outcome === 'refused') {
        notices.refused(problems)
      } else {
        notices.failed()
      }
    } catch (error) {
      notices.failed()
    } finally {
      save.disabled = false
    }
  })

  window.addEventListener('beforeunload', function (event) {
    if (dirty) {
      event.preventDefault()
      event.returnValue = ''
    }
  })
  root.setAttribute('data-ready', 'true')
}

const root = document.getElementById('app-designer')
if (root) { mount(root) }
