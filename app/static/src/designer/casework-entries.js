// The entries of the properties panel's "Casework" group: what the product reads from a
// diagram (docs/process-conventions.md). Name, id, documentation and timers come from
// bpmn-js-properties-panel's standard provider.
import {
  SelectEntry, TextAreaEntry, TextFieldEntry,
  isSelectEntryEdited, isTextAreaEntryEdited, isTextFieldEntryEdited
} from '@bpmn-io/properties-panel'
import { useService } from 'bpmn-js-properties-panel'
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil'

import {
  getExpression, getExtensionText, getSpiffProperty, getPlain,
  setExpression, setExtensionText, setPlain, setSpiffProperty
} from './spiff-model.js'

const TASK_PROPERTIES = [
  ['dueDate', 'Due date', 'An expression for when the task is due, for example add_working_days(referral_date, 1).'],
  ['role', 'Role', 'Only people holding this role may claim or complete the task, for example manager.'],
  ['calculations', 'Calculations', 'Named calculations that add answers before the process moves on.'],
  ['effects', 'Effects', 'Named effects that keep records after it moves on, for example record_meeting(cin_review).']
]

export function caseworkEntries (element) {
  const businessObject = getBusinessObject(element)
  const entries = []
  if (is(element, 'bpmn:UserTask')) {
    entries.push({ id: 'casework-formKey', component: FormKeySelect, isEdited: isSelectEntryEdited })
    entries.push({ id: 'casework-formKey-text', component: FormKeyText, isEdited: isTextFieldEntryEdited })
    TASK_PROPERTIES.forEach(function ([name, label, description]) {
      entries.push({
        id: 'casework-' + name, name, label, description, component: SpiffPropertyText, isEdited: isTextFieldEntryEdited
      })
    })
  }
  const payloadHolder = messageThrowDefinition(element)
  if (payloadHolder) {
    entries.push({ id: 'casework-messagePayload', component: MessagePayload, isEdited: isTextAreaEntryEdited, payloadHolder })
  }
  if (is(element, 'bpmn:SequenceFlow') && (businessObject.conditionExpression || fromGateway(businessObject))) {
    entries.push({ id: 'casework-condition', component: Condition, isEdited: isTextAreaEntryEdited })
  }
  if (is(element, 'bpmn:ScriptTask')) {
    entries.push({ id: 'casework-script', component: Script, isEdited: isTextAreaEntryEdited })
  }
  if (is(element, 'bpmn:BusinessRuleTask')) {
    entries.push({ id: 'casework-calledDecisionId', component: CalledDecision, isEdited: isTextFieldEntryEdited })
  }
  return entries
}

function messageThrowDefinition (element) {
  if (!is(element, 'bpmn:IntermediateThrowEvent') && !is(element, 'bpmn:EndEvent')) { return null }
  return (getBusinessObject(element).eventDefinitions || []).find(function (definition) {
    return is(definition, 'bpmn:MessageEventDefinition')
  }) || null
}

// a flow out of an exclusive or inclusive gateway that is not the gateway's default
function fromGateway (flow) {
  const source = flow.sourceRef
  return source && (is(source, 'bpmn:ExclusiveGateway') || is(source, 'bpmn:InclusiveGateway')) && source.default !== flow
}

function FormKeySelect ({ element, id }) {
  const injector = useService('injector')
  const config = useService('config.casework') || {}
  return SelectEntry({
    element,
    id,
    label: 'Form',
    description: "The form (its id) in this process's forms.",
    getValue: function () { return getSpiffProperty(element, 'formKey') },
    setValue: function (value) { setSpiffProperty(injector, element, 'formKey', value) },
    getOptions: function () {
      const current = getSpiffProperty(element, 'formKey')
      const ids = config.formIds ? config.formIds() : []
      const options = [{ value: '', label: '(no form)' }].concat(ids.map(function (formId) {
        return { value: formId, label: formId }
      }))
      if (current && ids.indexOf(current) === -1) {
        options.push({ value: current, label: current + " (not one of this process's forms)" })
      }
      return options
    }
  })
}

function FormKeyText ({ element, id }) {
  const injector = useService('injector')
  return TextFieldEntry({
    element,
    id,
    label: 'Form key',
    description: 'Or type it.',
    debounce: useService('debounceInput'),
    getValue: function () { return getSpiffProperty(element, 'formKey') },
    setValue: function (value) { setSpiffProperty(injector, element, 'formKey', (value || '').trim()) }
  })
}

function SpiffPropertyText (props) {
  const { element, id, name, label, description } = props
  const injector = useService('injector')
  return TextFieldEntry({
    element,
    id,
    label,
    description,
    debounce: useService('debounceInput'),
    getValue: function () { return getSpiffProperty(element, name) },
    setValue: function (value) { setSpiffProperty(injector, element, name, value) }
  })
}

function MessagePayload ({ element, id, payloadHolder }) {
  const injector = useService('injector')
  return TextAreaEntry({
    element,
    id,
    label: 'Message payload',
    description: 'A dictionary of what the receiving process needs, for example {"referral_date": today()}.',
    monospace: true,
    debounce: useService('debounceInput'),
    getValue: function () { return getExtensionText(payloadHolder, 'spiffworkflow:MessagePayload') },
    setValue: function (value) {
      setExtensionText(injector, element, payloadHolder, 'spiffworkflow:MessagePayload', value)
    }
  })
}

function Condition ({ element, id }) {
  const injector = useService('injector')
  const flow = getBusinessObject(element)
  return TextAreaEntry({
    element,
    id,
    label: 'Condition',
    description: "A Python expression on the case's data, for example consent == 'given'.",
    monospace: true,
    debounce: useService('debounceInput'),
    getValue: function () { return getExpression(flow, 'conditionExpression') },
    setValue: function (value) { setExpression(injector, element, flow, 'conditionExpression', value) }
  })
}

function Script ({ element, id }) {
  const injector = useService('injector')
  const task = getBusinessObject(element)
  return TextAreaEntry({
    element,
    id,
    label: 'Script',
    monospace: true,
    rows: 8,
    debounce: useService('debounceInput'),
    getValue: function () { return getPlain(task, 'script') },
    setValue: function (value) { setPlain(injector, element, task, 'script', value) }
  })
}

function CalledDecision ({ element, id }) {
  const injector = useService('injector')
  const task = getBusinessObject(element)
  return TextFieldEntry({
    element,
    id,
    label: 'Decision table',
    description: 'The id of the decision in this process\'s decision tables.',
    debounce: useService('debounceInput'),
    getValue: function () { return getExtensionText(task, 'spiffworkflow:CalledDecisionId') },
    setValue: function (value) {
      setExtensionText(injector, element, task, 'spiffworkflow:CalledDecisionId', (value || '').trim())
    }
  })
}
