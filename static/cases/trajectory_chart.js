// The score since tasking on the case page, drawn by portal/one_chart.js (loaded before this file).
window.portalOneChart("trajectory-data", "trajectory-chart", function (data) {
  "use strict";
  return {
    type: "line",
    dataset: { label: "Score (harm days)", data: data.values, borderColor: "#1d70b8", backgroundColor: "#1d70b8" },
  };
});
