// The Forms tab: the process's forms by id on the left ("Add a form", "Remove"), the form-js
// editor for the selected one on the right. forms-model.js keeps what the editor does not know.
import { FormEditor, schemaVersion } from '@bpmn-io/form-js-editor'

import { forEditor, fromEditor, parseFormsJson, serialiseFormsJson } from './forms-model.js'
import { element } from './dom.js'

const FORM_ID = /^[A-Za-z_][A-Za-z0-9_.-]*$/

export function createFormsTab (panel, formsJson, { onChange }) {
  const model = parseFormsJson(formsJson)
  const entries = model.forms
  let open = null

  const list = element('ul', { className: 'govuk-list app-form-list' })
  const idInput = element('input', { className: 'govuk-input govuk-input--width-20', id: 'app-new-form-id', type: 'text', spellcheck: false })
  const idError = element('p', { className: 'govuk-error-message', id: 'app-new-form-id-error', hidden: true })
  const addGroup = element('div', { className: 'govuk-form-group' },
    element('label', { className: 'govuk-label govuk-label--s', htmlFor: 'app-new-form-id' }, 'Id of a new form'),
    element('div', { className: 'govuk-hint', id: 'app-new-form-id-hint' }, 'The form key user tasks name, for example referral.triage.'),
    idError, idInput)
  idInput.setAttribute('aria-describedby', 'app-new-form-id-hint')
  const addButton = element('button', { type: 'button', className: 'govuk-button govuk-button--secondary' }, 'Add a form')
  const editorElement = element('div', { className: 'app-designer__form-editor' })
  const propertiesElement = element('div', { className: 'app-designer__form-properties' })
  propertiesElement.setAttribute('role', 'region')
  propertiesElement.setAttribute('aria-label', 'Properties of the selected form field')
  const empty = element('p', { className: 'govuk-body' }, 'This process has no forms yet.')
  const problem = element('p', { className: 'govuk-error-message app-designer__form-problem', hidden: true })
  panel.append(element('div', { className: 'app-designer__forms' },
    element('div', { className: 'app-designer__form-list' },
      element('h2', { className: 'govuk-heading-s' }, 'Forms'), list, empty, addGroup, addButton),
    problem, editorElement, propertiesElement))

  const editor = new FormEditor({ container: editorElement, propertiesPanel: { parent: propertiesElement } })

  async function select (entry) {
    if (open === entry) { return }
    keepOpenForm()
    open = entry
    problem.hidden = true
    render()
    if (!entry) { return }
    try {
      await editor.importSchema(entry.exported || forEditor(entry.original))
      entry.imported = true
    } catch (error) {
      // the form stays as it was, and is saved as it was
      entry.imported = false
      problem.textContent = 'The form ' + entry.id + ' cannot be opened in the editor (' + error.message + '). It is kept as it is.'
      problem.hidden = false
      editorElement.hidden = true
      propertiesElement.hidden = true
    }
  }

  function keepOpenForm () {
    if (open && open.imported) { open.exported = editor.saveSchema() }
  }

  function schemaOf (entry) {
    if (entry === open && entry.imported) { return fromEditor(editor.saveSchema()) }
    return entry.exported ? fromEditor(entry.exported) : entry.original
  }

  function render () {
    list.replaceChildren(...entries.map(function (entry) {
      const current = entry === open
      const choose = element('button', { type: 'button', className: 'app-link-button app-form-list__select' }, entry.id)
      if (current) { choose.setAttribute('aria-current', 'true') }
      choose.addEventListener('click', function () { select(entry) })
      const remove = element('button', { type: 'button', className: 'app-link-button app-form-list__remove' },
        'Remove', element('span', { className: 'govuk-visually-hidden' }, ' ' + entry.id))
      remove.addEventListener('click', function () { removeForm(entry) })
      return element('li', { className: 'app-form-list__item' + (current ? ' app-form-list__item--current' : '') }, choose, ' ', remove)
    }))
    empty.hidden = entries.length > 0
    editorElement.hidden = !open
    propertiesElement.hidden = !open
  }

  function removeForm (entry) {
    const index = entries.indexOf(entry)
    entries.splice(index, 1)
    if (open === entry) {
      open = null
      select(entries[Math.min(index, entries.length - 1)] || null)
    }
    render()
    onChange()
  }

  addButton.addEventListener('click', function () {
    const id = idInput.value.trim()
    const problem = !id ? 'Enter the id of the new form'
      : !FORM_ID.test(id) ? 'The id can have letters, digits, dots, dashes and underscores, and starts with a letter'
        : entries.some(function (e) { return e.id === id }) ? 'There is already a form with the id ' + id : null
    idError.hidden = !problem
    idError.textContent = problem ? 'Error: ' + problem : ''
    addGroup.classList.toggle('govuk-form-group--error', Boolean(problem))
    if (problem) { idInput.focus(); return }
    const entry = { id, original: { type: 'default', id, schemaVersion, components: [] } }
    entries.push(entry)
    idInput.value = ''
    select(entry)
    onChange()
  })

  render()
  return {
    onEdit: function (callback) { editor.on('commandStack.changed', callback) },
    ids: function () { return entries.map(function (e) { return e.id }) },
    shown: function () { if (!open && entries.length) { select(entries[0]) } },
    select: function (id) { return select(entries.find(function (e) { return e.id === id }) || null) },
    json: function () { return serialiseFormsJson(model, entries.map(schemaOf)) }
  }
}
