// The packages build some of their markup from strings (min-dom's `domify`), a few with
// style="..." attributes: the panel's container, dmn-js's bpmn.io logo, a drag image.
// Our Content-Security-Policy refuses style attributes in markup, so the build routes every
// `min-dom` import through this wrapper (build-plugins.mjs), which parses the markup without
// them and sets the same declarations through the CSSOM (element.style), which the policy
// allows. The markup and what it looks like are unchanged.

const STYLE_ATTRIBUTE = /\sstyle=(?:"([^"]*)"|'([^']*)')/g
const MARK = 'data-csp-style'

export function cspSafeDomify (parse) {
  return function domify (html, ...rest) {
    if (typeof html !== 'string' || html.indexOf('style=') === -1) {
      return parse(html, ...rest)
    }
    const styles = []
    const marked = html.replace(STYLE_ATTRIBUTE, function (_, double, single) {
      styles.push(double !== undefined ? double : single)
      return ' ' + MARK + '="' + (styles.length - 1) + '"'
    })
    const node = parse(marked, ...rest)
    restyle(node, styles)
    return node
  }
}

function restyle (node, styles) {
  if (!node || !node.querySelectorAll) { return }
  const elements = Array.from(node.querySelectorAll('[' + MARK + ']'))
  if (node.hasAttribute && node.hasAttribute(MARK)) { elements.unshift(node) }
  elements.forEach(function (element) {
    element.style.cssText = styles[Number(element.getAttribute(MARK))]
    element.removeAttribute(MARK)
  })
}
