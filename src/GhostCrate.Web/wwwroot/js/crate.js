// Crate page: the downloads-per-day chart (Chart.js), drawn from the JSON the page embeds.
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("downloads-chart");
    var source = document.getElementById("downloads-data");
    if (!canvas || !source || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    var palette = dark
      ? ["#b9a3ee", "#f0c060", "#7fd1b9", "#ff9e80", "#90caf9", "#9e9e9e"]
      : ["#6d4fb3", "#c27c00", "#1b8a6b", "#c4472a", "#1f6fb2", "#757575"];
    var text = dark ? "#c2c7d0" : "#373c44";
    var grid = dark ? "rgba(255,255,255,.08)" : "rgba(0,0,0,.06)";
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.days,
        datasets: data.series.map(function (s, i) {
          return { label: s.label, data: s.data, backgroundColor: palette[i % palette.length], borderWidth: 0 };
        })
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { display: data.series.length > 1, labels: { color: text, boxWidth: 12 } } },
        scales: {
          x: { stacked: true, ticks: { color: text, maxTicksLimit: 6, maxRotation: 0 }, grid: { display: false } },
          y: { stacked: true, beginAtZero: true, ticks: { color: text, precision: 0 }, grid: { color: grid } }
        }
      }
    });
    canvas.setAttribute("data-chart-ready", "true");
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
