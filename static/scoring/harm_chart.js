// Harm over time on the offender profile, drawn by portal/one_chart.js (loaded before this file).
window.portalOneChart("harm-history-data", "harm-history-chart", function (data, canvas) {
  "use strict";
  canvas.dataset.points = String(data.values.length);
  return {
    type: "bar",
    dataset: { label: "Harm days (by month of offence)", data: data.values, backgroundColor: "#1d70b8" },
  };
});
