// CodeMirror (the expression fields of the form editor's properties panel) mounts its styles
// with style-mod, which writes a <style> element into the page: refused by our
// Content-Security-Policy, which allows no inline style. The build replaces `style-mod` with
// this subclass (build-plugins.mjs): the same modules, mounted into one constructed style
// sheet (the CSSOM, which the policy allows) adopted by the document.

import { StyleModule as Base } from 'style-mod'

const mounted = []
let sheet = null

export class StyleModule extends Base {
  static mount (root, modules) {
    const target = root && root.adoptedStyleSheets ? root : document
    if (!sheet) { sheet = new CSSStyleSheet() }
    let changed = false;
    [].concat(modules).forEach(function (module) {
      if (module && mounted.indexOf(module) === -1) {
        mounted.push(module)
        changed = true
      }
    })
    if (changed) {
      sheet.replaceSync(mounted.map(function (module) { return module.getRules() }).join('\n'))
    }
    if (target.adoptedStyleSheets.indexOf(sheet) === -1) {
      target.adoptedStyleSheets = target.adoptedStyleSheets.concat([sheet])
    }
  }
}
