// Draws each BPMN diagram named by a .app-diagram[data-src] element with the bpmn-js viewer (no editing).
(function () {
  if (typeof window.BpmnJS !== 'function') { return }
  document.querySelectorAll('.app-diagram[data-src]').forEach(function (container) {
    var viewer = new window.BpmnJS({ container: container })
    fetch(container.dataset.src, { credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) { throw new Error('The diagram could not be loaded (' + response.status + ')') }
        return response.text()
      })
      .then(function (xml) { return viewer.importXML(xml) })
      .then(function () {
        viewer.get('canvas').zoom('fit-viewport')
        container.setAttribute('data-drawn', 'true')
      })
      .catch(function (error) {
        container.textContent = error.message
      })
  })
})()
