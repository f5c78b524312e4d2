// A properties panel provider adding the "Casework" group after the standard "General" one.
import { Group } from '@bpmn-io/properties-panel'

import { caseworkEntries } from './casework-entries.js'

const LOWER_THAN_STANDARD = 500

function CaseworkPropertiesProvider (propertiesPanel) {
  propertiesPanel.registerProvider(LOWER_THAN_STANDARD, this)
}

CaseworkPropertiesProvider.$inject = ['propertiesPanel']

CaseworkPropertiesProvider.prototype.getGroups = function (element) {
  return function (groups) {
    const entries = caseworkEntries(element)
    if (!entries.length) { return groups }
    const group = { id: 'casework', label: 'Casework', component: Group, entries }
    const general = groups.findIndex(function (g) { return g.id === 'general' })
    groups.splice(general + 1, 0, group)
    return groups
  }
}

export default {
  __init__: ['caseworkPropertiesProvider'],
  caseworkPropertiesProvider: ['type', CaseworkPropertiesProvider]
}
