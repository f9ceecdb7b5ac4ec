/* History statistics page (dashboards/history.html): charts drawn with the vendored Chart.js from the JSON block. */
(function () {
  "use strict";

  // Choosing another centre: its zones and departments differ, so start from "all" and reload at once.
  var filters = document.querySelector("[data-history-filters]");
  if (filters) {
    var center = filters.querySelector("select[name=center]");
    if (center) {
      center.addEventListener("change", function () {
        (center.getAttribute("data-resets") || "").split(" ").forEach(function (name) {
          var field = filters.querySelector("[name=" + name + "]");
          if (field) field.value = "";
        });
        filters.submit();
      });
    }
  }

  var source = document.getElementById("history-data");
  if (!source || typeof window.Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var Chart = window.Chart;
  var css = getComputedStyle(document.documentElement);
  function token(name, fallback) {
    var value = css.getPropertyValue(name).trim();
    return value || fallback;
  }
  var colors = {
    issued: token("--c-info", "#1f5fbf"),
    served: token("--c-ok", "#1f8a4c"),
    warn: token("--c-warn", "#c77700"),
    alert: token("--c-alert", "#c62828"),
    ink: token("--c-ink-soft", "#566074"),
    line: token("--c-line", "#d9dee7"),
  };
  var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 13;
  Chart.defaults.color = colors.ink;
  Chart.defaults.borderColor = colors.line;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.animation = reduced ? false : { duration: 300 };
  Chart.defaults.plugins.legend.labels.boxWidth = 14;
  // Legends in the order the datasets are listed, whatever order they are drawn in.
  Chart.defaults.plugins.legend.labels.sort = function (a, b) { return a.datasetIndex - b.datasetIndex; };

  var charts = [];
  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) charts.push(new Chart(canvas, config));
  }
  function countAxis(extra) {
    return Object.assign({ beginAtZero: true, ticks: { precision: 0 } }, extra || {});
  }

  // Hourly flow: only the hours with activity (at least 08–18), so the office day fills the width.
  var first = 8, last = 18;
  for (var hour = 0; hour < 24; hour++) {
    if (data.hourlyIntake[hour] || data.hourlyServed[hour]) {
      first = Math.min(first, hour);
      last = Math.max(last, hour);
    }
  }
  function hours(values) { return values.slice(first, last + 1); }
  draw("chart-hourly", {
    data: {
      labels: hours(data.hours).map(function (h) { return h + ":00"; }),
      datasets: [
        { type: "bar", label: data.text.issued, data: hours(data.hourlyIntake), backgroundColor: colors.issued,
          borderRadius: 3, order: 2 },
        { type: "line", label: data.text.served, data: hours(data.hourlyServed), borderColor: colors.served,
          backgroundColor: colors.served, cubicInterpolationMode: "monotone", pointRadius: 3, order: 1 },
      ],
    },
    options: { scales: { y: countAxis() }, interaction: { mode: "index", intersect: false } },
  });

  // Wait distribution: from green (short) to red (long).
  var waitColors = [colors.served, colors.served, colors.issued, colors.warn, colors.alert, colors.alert];
  draw("chart-wait", {
    type: "bar",
    data: {
      labels: data.waitLabels,
      datasets: [{ label: data.text.tickets, data: data.waitCounts, backgroundColor: waitColors, borderRadius: 3 }],
    },
    options: { plugins: { legend: { display: false } }, scales: { y: countAxis() } },
  });

  draw("chart-periods", {
    data: {
      labels: data.periodLabels.map(function (label) { return label.length > 7 ? label.slice(5) : label; }),
      datasets: [
        { type: "bar", label: data.text.issued, data: data.periodIssued, backgroundColor: colors.issued,
          borderRadius: 3, order: 2 },
        { type: "line", label: data.text.served, data: data.periodServed, borderColor: colors.served,
          backgroundColor: colors.served, cubicInterpolationMode: "monotone", pointRadius: 2, order: 1 },
      ],
    },
    options: { scales: { y: countAxis() }, interaction: { mode: "index", intersect: false } },
  });

  // Per window: the numbers on the axis (a hall has dozens of windows), the full names in the tooltip.
  draw("chart-windows", {
    data: {
      labels: data.windowNumbers,
      datasets: [
        { type: "bar", label: data.text.served, data: data.windowServed, backgroundColor: colors.served,
          borderRadius: 3, yAxisID: "y", order: 2 },
        { type: "line", label: data.text.meanService, data: data.windowMeanService, borderColor: colors.warn,
          backgroundColor: colors.warn, showLine: false, pointRadius: 5, pointStyle: "rectRot", yAxisID: "y1",
          order: 1 },
      ],
    },
    options: {
      interaction: { mode: "index", intersect: false },
      plugins: {
        tooltip: { callbacks: { title: function (items) { return items.length ? data.windowLabels[items[0].dataIndex] : ""; } } },
      },
      scales: {
        x: { title: { display: true, text: data.text.window }, ticks: { autoSkip: false, maxRotation: 0 } },
        y: countAxis({ position: "left" }),
        y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false },
          title: { display: true, text: data.text.minutes } },
      },
    },
  });

  // Printing: redraw at the paper's width.
  window.addEventListener("beforeprint", function () { charts.forEach(function (chart) { chart.resize(); }); });
  window.addEventListener("afterprint", function () { charts.forEach(function (chart) { chart.resize(); }); });
})();
