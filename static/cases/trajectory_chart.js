// The score since tasking on the case page: data from the json_script block, no inline script (CSP).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("trajectory-data");
    var canvas = document.getElementById("trajectory-chart");
    if (!source || !canvas || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [{ label: "Score (harm days)", data: data.values, borderColor: "#1d70b8", backgroundColor: "#1d70b8" }],
      },
      options: { animation: false, responsive: true, scales: { y: { beginAtZero: true } } },
    });
    canvas.dataset.rendered = "true";
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
