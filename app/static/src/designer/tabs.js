// Tabs as buttons (role=tab, aria-selected) over panels (role=tabpanel), usable with the
// keyboard: Tab reaches the selected tab, the arrow keys, Home and End move between tabs.
import { element } from './dom.js'

export function createTabs (root, definitions, { onShow }) {
  const list = element('div', { className: 'app-tabs__list' })
  list.setAttribute('role', 'tablist')
  list.setAttribute('aria-label', 'Parts of the process')
  const tabs = {}
  const panels = {}
  definitions.forEach(function ({ id, label }) {
    const tab = element('button', { type: 'button', id: 'app-tab-' + id, className: 'app-tabs__tab' }, label)
    tab.setAttribute('role', 'tab')
    tab.setAttribute('aria-controls', 'app-panel-' + id)
    tab.addEventListener('click', function () { show(id) })
    tab.addEventListener('keydown', onKey)
    const panel = element('div', { id: 'app-panel-' + id, className: 'app-tabs__panel' })
    panel.setAttribute('role', 'tabpanel')
    panel.setAttribute('aria-labelledby', tab.id)
    list.append(tab)
    tabs[id] = tab
    panels[id] = panel
  })
  root.append(list, ...Object.values(panels))

  function visible () {
    return Object.keys(tabs).filter(function (id) { return !tabs[id].hidden })
  }

  function show (id) {
    Object.keys(tabs).forEach(function (other) {
      const selected = other === id
      tabs[other].setAttribute('aria-selected', String(selected))
      tabs[other].tabIndex = selected ? 0 : -1
      tabs[other].classList.toggle('app-tabs__tab--selected', selected)
      panels[other].hidden = !selected
    })
    onShow(id)
  }

  function onKey (event) {
    const ids = visible()
    const at = ids.indexOf(event.currentTarget.id.replace('app-tab-', ''))
    const next = {
      ArrowRight: ids[(at + 1) % ids.length],
      ArrowLeft: ids[(at - 1 + ids.length) % ids.length],
      Home: ids[0],
      End: ids[ids.length - 1]
    }[event.key]
    if (!next) { return }
    event.preventDefault()
    show(next)
    tabs[next].focus()
  }

  return {
    panels,
    show,
    setHidden: function (id, hidden) { tabs[id].hidden = hidden },
    selected: function () {
      return Object.keys(tabs).find(function (id) { return tabs[id].getAttribute('aria-selected') === 'true' })
    }
  }
}
