// The Print button of a page meant to be printed (the chronology). It is shown only where this
// script runs; the browser's own Print works without it. Answers folded away in <details> would
// not be printed, so they are opened for the printout and folded again after it.
export function initPrint (root = document) {
  root.querySelectorAll('[data-app-print]').forEach(($section) => {
    $section.hidden = false
    $section.querySelectorAll('button').forEach(($button) => {
      $button.addEventListener('click', () => window.print())
    })
  })
  let opened = []
  window.addEventListener('beforeprint', () => {
    opened = Array.from(root.querySelectorAll('details:not([open])'))
    opened.forEach(($details) => { $details.open = true })
  })
  window.addEventListener('afterprint', () => {
    opened.forEach(($details) => { $details.open = false })
    opened = []
  })
}

initPrint()
