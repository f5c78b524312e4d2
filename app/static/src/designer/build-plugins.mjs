// esbuild plugins that make the packages run under the app's Content-Security-Policy (no
// inline style, no style attributes in markup) and give form-js one copy of preact.
// Each says what it changes and why; README.md lists them.
import { readFile } from 'node:fs/promises'
import path from 'node:path'

const here = path.dirname(new URL(import.meta.url).pathname)

// Every `min-dom` import gets a `domify` that moves style="..." out of the markup into the
// CSSOM (csp-domify.js). The packages' own code is not changed.
export const cspSafeDomify = {
  name: 'csp-safe-domify',
  setup (build) {
    build.onResolve({ filter: /^min-dom$/ }, async function (args) {
      if (args.pluginData && args.pluginData.real) { return undefined }
      const real = await build.resolve('min-dom', {
        kind: args.kind, resolveDir: args.resolveDir, pluginData: { real: true }
      })
      if (real.errors.length) { return { errors: real.errors } }
      return { path: real.path, namespace: 'csp-min-dom' }
    })
    build.onLoad({ filter: /.*/, namespace: 'csp-min-dom' }, function (args) {
      const real = JSON.stringify(args.path)
      return {
        resolveDir: here,
        contents: 'export * from ' + real + ';\n' +
          'import { domify as parse } from ' + real + ';\n' +
          "import { cspSafeDomify } from './csp-domify.js';\n" +
          'export const domify = cspSafeDomify(parse);\n'
      }
    })
  }
}

// CodeMirror's style-mod writes <style> elements; style-mod-csp.js mounts the same rules in a
// constructed style sheet instead.
export const cspSafeStyleMod = {
  name: 'csp-safe-style-mod',
  setup (build) {
    const shim = path.join(here, 'style-mod-csp.js')
    build.onResolve({ filter: /^style-mod$/ }, function (args) {
      return args.importer === shim ? undefined : { path: shim }
    })
  }
}

// bpmn-js's align and distribute icons (the modeler's popup menu, drawn with innerHTML) style
// their SVG with style attributes; the same declarations as SVG presentation attributes draw
// the same. The build fails if the files stop matching, so an upgrade cannot slip past.
export const svgIconsWithoutStyleAttributes = {
  name: 'svg-icons-without-style-attributes',
  setup (build) {
    build.onLoad({ filter: /bpmn-js[\\/]lib[\\/]features[\\/](align|distribute)-elements[\\/]\w+Icons\.js$/ },
      async function (args) {
        const source = await readFile(args.path, 'utf8')
        let count = 0
        const contents = source.replace(/style="([^"]*)"/g, function (_, declarations) {
          count += 1
          return declarations.split(';').filter(function (d) { return d.trim() }).map(function (d) {
            const [name, value] = d.split(':').map(function (part) { return part.trim() })
            return name + '="' + value + '"'
          }).join(' ')
        })
        if (!count) {
          return { errors: [{ text: 'expected style attributes in ' + args.path + ': check the CSP workaround' }] }
        }
        return { contents, loader: 'js' }
      })
  }
}

// form-js-editor requires preact <= 10.15.1 and npm nests that copy under it, while
// form-js-viewer (whose fields the editor draws) gets the newer top-level copy: two preacts in
// one tree break hooks. The viewer's imports use the editor's copy.
export const onePreactForFormJs = {
  name: 'one-preact-for-form-js',
  setup (build) {
    build.onResolve({ filter: /^preact(\/.*)?$/ }, async function (args) {
      if (!/[\\/]@bpmn-io[\\/]form-js-viewer[\\/]/.test(args.importer)) { return undefined }
      const editorDir = path.dirname(await resolvePackageJson(build, args))
      const result = await build.resolve(args.path, { kind: args.kind, resolveDir: editorDir })
      return result.errors.length ? { errors: result.errors } : { path: result.path }
    })
  }
}

async function resolvePackageJson (build, args) {
  const result = await build.resolve('@bpmn-io/form-js-editor/package.json', {
    kind: args.kind, resolveDir: path.resolve(here, '../../../..')
  })
  if (result.errors.length) { throw new Error('@bpmn-io/form-js-editor is not installed') }
  return result.path
}
