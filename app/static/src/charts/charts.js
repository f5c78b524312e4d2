// The dashboard's charts. Each <canvas data-chart="ID"> draws the numbers in
// <script type="application/json" id="ID">; the GOV.UK table beside it holds the same numbers and
// is what screen readers and browsers without JavaScript read. No inline script (CSP).
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip
} from 'chart.js'

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip)

// GOV.UK Design System colours.
const COLOURS = {
  blue: '#1d70b8',
  red: '#d4351c',
  green: '#00703c',
  orange: '#f47738',
  yellow: '#ffdd00',
  purple: '#4c2c92',
  grey: '#505a5f',
  text: '#0b0c0c'
}

function reducedMotion () {
  return window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches
}

function config (spec) {
  const percent = spec.kind === 'percent'
  return {
    type: 'bar',
    data: {
      labels: spec.labels,
      datasets: spec.series.map((s) => ({
        label: s.label,
        data: s.values,
        backgroundColor: Array.isArray(s.colours) ? s.colours.map((c) => COLOURS[c] || COLOURS.blue) : (COLOURS[s.colour] || COLOURS.blue),
        borderWidth: 0
      }))
    },
    options: {
      indexAxis: percent || spec.horizontal ? 'y' : 'x',
      animation: reducedMotion() ? false : { duration: 400 },
      maintainAspectRatio: false,
      responsive: true,
      plugins: {
        legend: { display: spec.series.length > 1, labels: { color: COLOURS.text } },
        tooltip: { enabled: true }
      },
      scales: {
        x: { stacked: !!spec.stacked, ticks: { color: COLOURS.text, precision: 0 }, ...(percent ? { min: 0, max: 100 } : { beginAtZero: true }) },
        y: { stacked: !!spec.stacked, ticks: { color: COLOURS.text, precision: 0 }, beginAtZero: true }
      }
    }
  }
}

export function drawCharts (root = document) {
  const drawn = []
  root.querySelectorAll('canvas[data-chart]').forEach((canvas) => {
    const source = document.getElementById(canvas.dataset.chart)
    if (!source) return
    let spec
    try {
      spec = JSON.parse(source.textContent)
    } catch (e) {
      return
    }
    const box = canvas.closest('[data-chart-box]')
    if (box) box.hidden = false
    drawn.push(new Chart(canvas, config(spec)))
    canvas.dataset.drawn = 'true'
    canvas.dataset.animated = String(!reducedMotion())
  })
  return drawn
}

drawCharts()
