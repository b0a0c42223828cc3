// Draws every report chart from the data in its json_script block: data only travels in JSON,
// code only in this file, so the Content-Security-Policy needs no inline script.
(function () {
  "use strict";

  // Okabe-Ito: distinguishable with the common colour-vision deficiencies, and in greyscale print.
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

  function dataset(spec, index) {
    var colour = spec.colour || PALETTE[index % PALETTE.length];
    var out = Object.assign({}, spec);
    delete out.colour;
    out.backgroundColor = out.backgroundColor || colour;
    out.borderColor = out.borderColor || colour;
    if (out.type === "line" || (!out.type && spec.kind === "line")) {
      out.fill = false;
      out.tension = 0;
    }
    return out;
  }

  function options(config) {
    var y = { beginAtZero: true, stacked: !!config.stacked, title: { display: !!config.yLabel, text: config.yLabel } };
    if (config.percent) {
      y.ticks = { callback: function (value) { return value + "%"; } };
    }
    return {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      spanGaps: false,
      plugins: { legend: { position: "bottom" }, title: { display: false } },
      scales: { x: { stacked: !!config.stacked }, y: y },
    };
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chartSource);
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var config = JSON.parse(source.textContent);
    var chart = new window.Chart(canvas, {
      type: config.kind,
      data: { labels: config.labels, datasets: config.datasets.map(dataset) },
      options: options(config),
    });
    canvas.dataset.chartReady = "true";
    window.addEventListener("beforeprint", function () { chart.resize(); });
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-chart-source]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
