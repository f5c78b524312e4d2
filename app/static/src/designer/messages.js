// What the designer tells the process owner above the editor: "Saved" (role=status), the
// problems of a refused draft in a GOV.UK error summary and a list of warnings (each problem
// naming an element is a link that selects it in the diagram), or that saving failed.
import { element } from './dom.js'

export const SAVE_FAILED = 'The draft could not be saved. Try again.'

export function createMessages (container, { hasElement, selectElement }) {
  function clear () { container.replaceChildren() }

  function problemItem (problem) {
    if (!problem.element_id || !hasElement(problem.element_id)) {
      return element('li', {}, problem.message)
    }
    const link = element('a', { href: '#app-designer-canvas', className: 'govuk-link' }, problem.message)
    link.dataset.elementId = problem.element_id
    link.addEventListener('click', function (event) {
      event.preventDefault()
      selectElement(problem.element_id)
    })
    return element('li', {}, link)
  }

  function errorSummary (items) {
    const summary = element('div', { className: 'govuk-error-summary', tabIndex: -1 },
      element('div', { role: 'alert' },
        element('h2', { className: 'govuk-error-summary__title' }, 'There is a problem'),
        element('div', { className: 'govuk-error-summary__body' },
          element('ul', { className: 'govuk-list govuk-error-summary__list' }, ...items))))
    container.append(summary)
    summary.focus()
  }

  function warningList (problems) {
    if (!problems.length) { return }
    container.append(element('div', { className: 'app-designer__warnings' },
      element('h2', { className: 'govuk-heading-s' }, 'Warnings'),
      element('ul', { className: 'govuk-list govuk-list--bullet' }, ...problems.map(problemItem))))
  }

  return {
    clear,

    saved: function (problems) {
      clear()
      const heading = element('h2', { className: 'govuk-notification-banner__title', id: 'app-designer-saved-title' }, 'Success')
      const banner = element('div', { className: 'govuk-notification-banner govuk-notification-banner--success' },
        element('div', { className: 'govuk-notification-banner__header' }, heading),
        element('div', { className: 'govuk-notification-banner__content' },
          element('p', { className: 'govuk-notification-banner__heading' }, 'Saved')))
      banner.setAttribute('role', 'status')
      banner.setAttribute('aria-labelledby', heading.id)
      container.append(banner)
      warningList(problems.filter(function (p) { return p.severity === 'warning' }))
    },

    refused: function (problems) {
      clear()
      const errors = problems.filter(function (p) { return p.severity === 'error' })
      const warnings = problems.filter(function (p) { return p.severity === 'warning' })
      errorSummary(errors.length ? errors.map(problemItem) : [element('li', {}, 'The draft was not saved.')])
      warningList(warnings)
    },

    failed: function (message) {
      clear()
      errorSummary([element('li', {}, message || SAVE_FAILED)])
    },

    /** Parts of a file the editor could not read: shown, so nothing is lost unseen. */
    importWarnings: function (what, warnings) {
      if (!warnings.length) { return }
      container.append(element('div', { className: 'app-designer__warnings' },
        element('h2', { className: 'govuk-heading-s' }, 'The ' + what + ' has parts the designer could not read'),
        element('ul', { className: 'govuk-list govuk-list--bullet' },
          ...warnings.map(function (w) { return element('li', {}, String(w.message || w)) }))))
    }
  }
}
