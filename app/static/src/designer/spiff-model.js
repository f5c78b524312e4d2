// Reading and writing what the product reads from a diagram, stored as the shipped diagrams
// store it: <spiffworkflow:properties><spiffworkflow:property name value/> in a task's
// extensionElements, <spiffworkflow:messagePayload> in a message event definition's, and
// bpmn:FormalExpression bodies. Every change is one command, so one undo.
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil'

const MULTI = 'properties-panel.multi-command-executor'

function update (element, moddleElement, properties) {
  return { cmd: 'element.updateModdleProperties', context: { element, moddleElement, properties } }
}

function run (injector, commands) {
  if (commands.length) { injector.get('commandStack').execute(MULTI, commands) }
}

export function extensionValues (moddleElement, type) {
  const extensionElements = moddleElement && moddleElement.get('extensionElements')
  return extensionElements ? extensionElements.get('values').filter(function (v) { return is(v, type) }) : []
}

/** The extensionElements of moddleElement, made (by a command added to `commands`) if absent. */
function ensureExtensionElements (injector, element, moddleElement, commands) {
  let extensionElements = moddleElement.get('extensionElements')
  if (!extensionElements) {
    extensionElements = injector.get('bpmnFactory').create('bpmn:ExtensionElements', { values: [] })
    extensionElements.$parent = moddleElement
    commands.push(update(element, moddleElement, { extensionElements }))
  }
  return extensionElements
}

function removeFromExtensionElements (element, moddleElement, value, commands) {
  const extensionElements = moddleElement.get('extensionElements')
  const rest = extensionElements.get('values').filter(function (v) { return v !== value })
  commands.push(rest.length
    ? update(element, extensionElements, { values: rest })
    : update(element, moddleElement, { extensionElements: undefined }))
}

// spiffworkflow:property on a task ////////////////////////////////////////////////////////

export function getSpiffProperty (element, name) {
  const container = extensionValues(getBusinessObject(element), 'spiffworkflow:Properties')[0]
  const property = container && container.get('properties').find(function (p) { return p.name === name })
  return property ? property.value || '' : ''
}

export function setSpiffProperty (injector, element, name, value) {
  const moddle = injector.get('moddle')
  const businessObject = getBusinessObject(element)
  const commands = []
  let container = extensionValues(businessObject, 'spiffworkflow:Properties')[0]
  const existing = container && container.get('properties').find(function (p) { return p.name === name })
  if (!value) {
    if (!existing) { return }
    const rest = container.get('properties').filter(function (p) { return p !== existing })
    if (rest.length) {
      commands.push(update(element, container, { properties: rest }))
    } else {
      removeFromExtensionElements(element, businessObject, container, commands)
    }
    return run(injector, commands)
  }
  if (existing) { return run(injector, [update(element, existing, { value })]) }
  if (!container) {
    const extensionElements = ensureExtensionElements(injector, element, businessObject, commands)
    container = moddle.create('spiffworkflow:Properties', { properties: [] })
    container.$parent = extensionElements
    commands.push(update(element, extensionElements, { values: extensionElements.get('values').concat([container]) }))
  }
  const property = moddle.create('spiffworkflow:Property', { name, value })
  property.$parent = container
  commands.push(update(element, container, { properties: container.get('properties').concat([property]) }))
  run(injector, commands)
}

// an extension element holding text: spiffworkflow:messagePayload, spiffworkflow:calledDecisionId

export function getExtensionText (moddleElement, type) {
  const value = extensionValues(moddleElement, type)[0]
  return value ? value.value || '' : ''
}

export function setExtensionText (injector, element, moddleElement, type, text) {
  const commands = []
  const existing = extensionValues(moddleElement, type)[0]
  if (!text) {
    if (existing) { removeFromExtensionElements(element, moddleElement, existing, commands) }
  } else if (existing) {
    commands.push(update(element, existing, { value: text }))
  } else {
    const extensionElements = ensureExtensionElements(injector, element, moddleElement, commands)
    const created = injector.get('moddle').create(type, { value: text })
    created.$parent = extensionElements
    commands.push(update(element, extensionElements, { values: extensionElements.get('values').concat([created]) }))
  }
  run(injector, commands)
}

// a bpmn:FormalExpression held by a property (a sequence flow's conditionExpression) /////////

export function getExpression (moddleElement, propertyName) {
  const expression = moddleElement.get(propertyName)
  return expression ? expression.get('body') || '' : ''
}

export function setExpression (injector, element, moddleElement, propertyName, body) {
  const existing = moddleElement.get(propertyName)
  if (!body) {
    return run(injector, existing ? [update(element, moddleElement, { [propertyName]: undefined })] : [])
  }
  if (existing) { return run(injector, [update(element, existing, { body })]) }
  const expression = injector.get('bpmnFactory').create('bpmn:FormalExpression', { body })
  expression.$parent = moddleElement
  run(injector, [update(element, moddleElement, { [propertyName]: expression })])
}

export function setPlain (injector, element, moddleElement, name, value) {
  run(injector, [update(element, moddleElement, { [name]: value || undefined })])
}

export function getPlain (moddleElement, name) {
  return moddleElement.get(name) || ''
}
