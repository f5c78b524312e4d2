import { initAll } from '../vendor/govuk-frontend/govuk-frontend.min.js'
import { initReveals } from './reveal.js'
initAll()
initReveals()
