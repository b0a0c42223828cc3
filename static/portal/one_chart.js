// One chart drawn from its json_script block (data only travels in JSON, code only in files, so the
// Content-Security-Policy needs no inline script), once the page has loaded. The set-up the case
// page's score since tasking and the offender profile's harm over time share: `describe(data, canvas)`
// gives the chart's type and its one dataset; the canvas is marked `data-rendered` once drawn.
(function () {
  "use strict";
  window.portalOneChart = function (sourceId, canvasId, describe) {
    function draw() {
      var source = document.getElementById(sourceId);
      var canvas = document.getElementById(canvasId);
      if (!source || !canvas || typeof window.Chart === "undefined") {
        return;
      }
      var data = JSON.parse(source.textContent);
      var chart = describe(data, canvas);
      new window.Chart(canvas, {
        type: chart.type,
        data: { labels: data.labels, datasets: [chart.dataset] },
        options: { animation: false, responsive: true, scales: { y: { beginAtZero: true } } },
      });
      canvas.dataset.rendered = "true";
    }
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", draw);
    } else {
      draw();
    }
  };
})();
