// Questions that apply to some answers of a radio question, shown only once one of those answers
// is chosen. GOV.UK's conditional reveal ties content to a single radio (two radios pointing at
// the same content fight over it), and these questions belong to several answers.
//
//   <div id="..." data-app-reveal-by="pathway" data-app-reveal-when="early_help attendance_support">
//
// Without JavaScript the questions simply stay on the page. Like GOV.UK's radios, the answers
// that reveal the questions say so to assistive technology (aria-controls, aria-expanded).
export function initReveals (root = document) {
  root.querySelectorAll('[data-app-reveal-by][data-app-reveal-when][id]').forEach(($section) => {
    const when = new Set($section.dataset.appRevealWhen.split(/\s+/))
    const $radios = Array.from(root.querySelectorAll('input[type="radio"]'))
      .filter(($radio) => $radio.name === $section.dataset.appRevealBy)
    const $revealing = $radios.filter(($radio) => when.has($radio.value))
    $revealing.forEach(($radio) => $radio.setAttribute('aria-controls', $section.id))
    const sync = () => {
      const shown = $revealing.some(($radio) => $radio.checked)
      $section.hidden = !shown
      $revealing.forEach(($radio) => $radio.setAttribute('aria-expanded', String($radio.checked)))
    }
    $radios.forEach(($radio) => $radio.addEventListener('change', sync))
    window.addEventListener('pageshow', sync) // a page restored from the back-forward cache
    sync()
  })
}
