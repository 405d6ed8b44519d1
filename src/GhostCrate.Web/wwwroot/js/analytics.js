// Usage analytics page: three charts (Chart.js) drawn from the JSON the page embeds; the tables below them hold the
// same figures for readers without JavaScript.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("analytics-data");
    if (!source || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    var palette = dark ? ["#b9a3ee", "#f0c060", "#7fd1b9"] : ["#6d4fb3", "#c27c00", "#1b8a6b"];
    var text = dark ? "#c2c7d0" : "#373c44";
    var grid = dark ? "rgba(255,255,255,.08)" : "rgba(0,0,0,.06)";

    function chart(id, type, series, stacked) {
      var canvas = document.getElementById(id);
      if (!canvas) return;
      new window.Chart(canvas, {
        type: type,
        data: {
          labels: data.days,
          datasets: series.map(function (s, i) {
            var color = palette[i % palette.length];
            return { label: s.label, data: s.data, backgroundColor: color, borderColor: color, borderWidth: type === "line" ? 2 : 0, pointRadius: 0 };
          })
        },
        options: {
          animation: false,
          maintainAspectRatio: false,
          interaction: { mode: "index", intersect: false },
          plugins: { legend: { labels: { color: text, boxWidth: 12 } } },
          scales: {
            x: { stacked: stacked, ticks: { color: text, maxTicksLimit: 8, maxRotation: 0 }, grid: { display: false } },
            y: { stacked: stacked, beginAtZero: true, ticks: { color: text, precision: 0 }, grid: { color: grid } }
          }
        }
      });
      canvas.setAttribute("data-chart-ready", "true");
    }

    chart("analytics-downloads-chart", "bar", data.downloads, true);
    chart("analytics-activity-chart", "line", data.activity, false);
    chart("analytics-storage-chart", "line", data.storage, false);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
