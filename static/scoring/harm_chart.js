// Harm over time on the offender profile: data from the json_script block, no inline script (CSP).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("harm-history-data");
    var canvas = document.getElementById("harm-history-chart");
    if (!source || !canvas || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    canvas.dataset.points = String(data.values.length);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ label: "Harm days (by month of offence)", data: data.values, backgroundColor: "#1d70b8" }],
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
