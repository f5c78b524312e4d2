// The designer's two requests: GET the process's bundle, POST the edited one back.

export async function loadBundle (url) {
  const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
  if (!response.ok) { throw new Error('The process could not be loaded (' + response.status + '). Try again.') }
  const bundle = await response.json()
  if (!bundle || typeof bundle.bpmn_xml !== 'string') { throw new Error('The process could not be loaded. Try again.') }
  return {
    process_id: String(bundle.process_id || ''),
    bpmn_xml: bundle.bpmn_xml,
    dmn_xml: typeof bundle.dmn_xml === 'string' ? bundle.dmn_xml : '',
    forms_json: typeof bundle.forms_json === 'string' ? bundle.forms_json : ''
  }
}

/** Answers {outcome: 'saved'|'refused'|'failed', problems: [...]}: 'failed' for anything but a
 * well-formed 200 or 422 (a network error, another status, an answer that is not ours). */
export async function saveBundle (url, token, payload) {
  let response
  let body
  try {
    response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token, Accept: 'application/json' },
      body: JSON.stringify(payload)
    })
    if (response.status !== 200 && response.status !== 422) { return { outcome: 'failed', problems: [] } }
    body = await response.json()
  } catch (error) {
    return { outcome: 'failed', problems: [] }
  }
  if (!body || typeof body.saved !== 'boolean' || !Array.isArray(body.problems)) {
    return { outcome: 'failed', problems: [] }
  }
  const saved = body.saved && response.status === 200
  return { outcome: saved ? 'saved' : 'refused', problems: body.problems.filter(isProblem).map(normalise) }
}

function isProblem (problem) {
  return problem && typeof problem.message === 'string'
}

function normalise (problem) {
  return {
    message: problem.message,
    element_id: typeof problem.element_id === 'string' && problem.element_id ? problem.element_id : null,
    severity: problem.severity === 'warning' ? 'warning' : 'error'
  }
}
