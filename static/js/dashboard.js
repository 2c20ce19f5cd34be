/* Console dashboard: draw every chart from the embedded JSON; chart / table toggle per card.
   Without JS the tables (always rendered) remain. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var config = JSON.parse(document.getElementById("dashboard-config").textContent);
  var instances = {};
  window.gonghuiCharts = instances;

  function show(card, view) {
    var key = card.dataset.chart;
    document.getElementById("chart-" + key).hidden = view !== "chart";
    document.getElementById("table-" + key).hidden = view !== "table";
    card.querySelectorAll(".dash-toggle").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.view === view));
    });
    if (view === "chart" && instances[key]) instances[key].resize();
  }

  var pending = [];
  document.querySelectorAll(".dash-card").forEach(function (card) {
    var key = card.dataset.chart, chart = data.charts[key];
    if (!chart) return;
    show(card, "chart");
    var el = document.getElementById("chart-" + key);
    instances[key] = echarts.init(el);
    pending.push(GonghuiDash.draw(instances[key], chart, {mapUrl: config.mapUrl}));
    card.querySelectorAll(".dash-toggle").forEach(function (b) {
      b.addEventListener("click", function () { show(card, b.dataset.view); });
    });
  });
  Promise.all(pending).then(function () { window.gonghuiChartsReady = true; });
  window.addEventListener("resize", function () {
    Object.keys(instances).forEach(function (k) { instances[k].resize(); });
  });
})();
