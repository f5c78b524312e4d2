// forms_json, {"process": "<id>", "forms": [<form-js schema>, ...]}, and a schema's way through
// the form editor and back. The editor (form-js 1.23) keeps every key it is given, ours
// included (components' `properties` hold our GOV.UK messages and rule names), but gives each
// component an id: components that had none get a marked one here, removed again on the way
// out, so an unedited form comes back as it went in (tests/browser/test_designer_bundle.py).

const TEMPORARY_ID = 'Field_casework_'

export function parseFormsJson (text) {
  const parsed = text ? JSON.parse(text) : {}
  const wrapper = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {}
  const forms = Array.isArray(wrapper.forms) ? wrapper.forms : []
  return { wrapper, forms: forms.map(function (schema) { return { id: schema.id, original: schema } }) }
}

/** The same wrapper (its other keys and their order kept), with the forms given. */
export function serialiseFormsJson (model, schemas) {
  const out = {}
  Object.keys(model.wrapper).forEach(function (key) { out[key] = model.wrapper[key] })
  out.forms = schemas
  return JSON.stringify(out, null, 2) + '\n'
}

/** A copy of the schema for the editor, every component with an id. */
export function forEditor (original) {
  const schema = JSON.parse(JSON.stringify(original))
  let counter = 0
  walkComponents(schema, function (component) {
    if (!component.id) {
      counter += 1
      component.id = TEMPORARY_ID + counter
    }
  })
  return schema
}

/** The editor's export without the ids forEditor made. */
export function fromEditor (exported) {
  const schema = JSON.parse(JSON.stringify(exported))
  walkComponents(schema, function (component) {
    if (typeof component.id === 'string' && component.id.indexOf(TEMPORARY_ID) === 0) { delete component.id }
  })
  return schema
}

function walkComponents (schema, visit) {
  (schema.components || []).forEach(function (component) {
    visit(component)
    walkComponents(component, visit)
  })
}
