// Builds the two front-end bundles, IIFE and minified, each with its stylesheet and fonts:
//   node app/static/src/designer/build.mjs [OUTDIR]   (default app/static/vendor/designer)
// `make assets` runs it after `npm ci`. See README.md beside this file.
import { build } from 'esbuild'
import path from 'node:path'
import {
  cspSafeDomify, cspSafeStyleMod, onePreactForFormJs, svgIconsWithoutStyleAttributes
} from './build-plugins.mjs'

const here = path.dirname(new URL(import.meta.url).pathname)
const outdir = process.argv[2] || path.resolve(here, '../../vendor/designer')

const common = {
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  outdir,
  absWorkingDir: path.resolve(here, '../../../..'),
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file', '.png': 'file' },
  assetNames: 'assets/[name]-[hash]',
  logLevel: 'warning',
  plugins: [cspSafeDomify, cspSafeStyleMod, svgIconsWithoutStyleAttributes, onePreactForFormJs]
}

await Promise.all([
  build({ ...common, entryPoints: { viewer: path.join(here, 'viewer.js') } }),
  build({ ...common, entryPoints: { designer: path.join(here, 'designer.js') } })
])
