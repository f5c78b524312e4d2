// Builds the dashboard's charts (Chart.js, from npm) into one minified ES module:
//   node app/static/src/charts/build.mjs [OUTDIR]   (default app/static/vendor/charts)
// `make assets` runs it after `npm ci`.
import { build } from 'esbuild'
import path from 'node:path'

const here = path.dirname(new URL(import.meta.url).pathname)
const outdir = process.argv[2] || path.resolve(here, '../../vendor/charts')

await build({
  entryPoints: { charts: path.join(here, 'charts.js') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  outdir,
  absWorkingDir: path.resolve(here, '../../../..'),
  logLevel: 'warning'
})
