/* Case statistics page (dashboards/case_stats.html): one chart from the JSON block, with the vendored Chart.js. */
(function () {
  "use strict";
  var source = document.getElementById("case-stats-data");
  if (!source || typeof window.Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var css = getComputedStyle(document.documentElement);
  function token(name, fallback) { return css.getPropertyValue(name).trim() || fallback; }
  var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  new window.Chart(document.getElementById("chart-cases"), {
    data: {
      labels: data.labels,
      datasets: [
        { type: "bar", label: data.names.received, data: data.received, backgroundColor: token("--c-info", "#1f5fbf"), yAxisID: "y" },
        { type: "bar", label: data.names.concluded, data: data.concluded, backgroundColor: token("--c-ok", "#1f8a4c"), yAxisID: "y" },
        { type: "line", label: data.names.onTime, data: data.onTime, borderColor: token("--c-warn", "#c77700"),
          backgroundColor: token("--c-warn", "#c77700"), yAxisID: "rate", spanGaps: true },
      ],
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: reduced ? false : undefined,
      scales: {
        y: { beginAtZero: true, ticks: { precision: 0 } },
        rate: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } },
      },
    },
  });
})();
