/* The evaluation pages' charts, drawn with the vendored Chart.js.
 *
 * Each <canvas data-chart="{json}"> carries its data, written by the server
 * (evaluations/charts.py): {type, labels, datasets: [{label, data, colors}],
 * max?, integer?, horizontal?}. The canvas sits in a hidden .chart-box; once
 * the chart is drawn the box is shown, and the element named by
 * data-chart-fallback (the server-drawn SVG) is hidden visually but stays
 * for screen readers. Without JavaScript, or if anything fails, the page
 * keeps the SVG. No inline script or style: the page's CSP stays strict.
 */
(function () {
  "use strict";

  var reduceMotion =
    window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function dataset(set, type) {
    var colors = set.colors || [];
    var first = colors[0] || "#14532d";
    var out = {
      label: set.label,
      data: set.data,
      backgroundColor: colors.length > 1 ? colors : first,
      borderColor: first,
    };
    if (type === "line") {
      out.fill = false;
      out.tension = 0.2;
      out.pointRadius = 3;
      out.borderWidth = 2;
    }
    return out;
  }

  function config(data) {
    var valueAxis = data.horizontal ? "x" : "y";
    var scales = {};
    scales[valueAxis] = { beginAtZero: true };
    if (data.max) {
      scales[valueAxis].max = data.max;
    }
    if (data.integer) {
      scales[valueAxis].ticks = { precision: 0 };
    }
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: data.horizontal ? "y" : "x",
      plugins: { legend: { display: false } },
      scales: scales,
    };
    if (reduceMotion) {
      options.animation = false;
    }
    return {
      type: data.type,
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (set) {
          return dataset(set, data.type);
        }),
      },
      options: options,
    };
  }

  function draw(canvas) {
    var data;
    try {
      data = JSON.parse(canvas.getAttribute("data-chart"));
    } catch (error) {
      return;
    }
    if (!data || !data.labels || data.labels.length === 0) {
      return;
    }
    var box = canvas.closest(".chart-box") || canvas.parentElement;
    box.hidden = false;
    try {
      new window.Chart(canvas, config(data));
    } catch (error) {
      box.hidden = true;
      return;
    }
    var fallbackId = canvas.getAttribute("data-chart-fallback");
    var fallback = fallbackId && document.getElementById(fallbackId);
    if (fallback) {
      fallback.classList.add("visually-hidden");
    }
  }

  function drawAll() {
    if (typeof window.Chart === "undefined") {
      return;
    }
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
