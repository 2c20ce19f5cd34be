/* 数据大屏: draw from the embedded JSON, then fetch the JSON again every refreshSeconds and
   redraw in place (no page reload). The map figure selector refetches at once. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("screen-config").textContent);
  var data = JSON.parse(document.getElementById("screen-data").textContent);
  var params = new URLSearchParams(config.query);
  var keys = ["rates", "districts", "hotline", "services", "aid"];
  var instances = {};
  window.gonghuiCharts = instances;
  window.gonghuiScreenRefreshes = 0;

  keys.forEach(function (key) {
    instances[key] = echarts.init(document.getElementById("chart-" + key), null, {renderer: "canvas"});
  });

  function kpis(chart) {
    var box = document.getElementById("screen-kpis");
    box.textContent = "";
    (chart.extra.items || []).forEach(function (item) {
      var div = document.createElement("div"), span = document.createElement("span"), b = document.createElement("strong");
      div.className = "kpi";
      span.textContent = item.name;
      b.textContent = item.text;
      div.appendChild(span);
      div.appendChild(b);
      box.appendChild(div);
    });
  }

  function render(d) {
    kpis(d.charts.kpis);
    document.getElementById("districts-title").textContent = d.charts.districts.title;
    document.getElementById("screen-updated").textContent = (d.generated_at || "").slice(11, 19);
    return Promise.all(keys.map(function (key) {
      return GonghuiDash.draw(instances[key], d.charts[key], {mapUrl: config.mapUrl, dark: true});
    }));
  }

  function refresh() {
    return fetch(config.dataUrl + "?" + params.toString(), {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (d) { data = d; window.gonghuiScreenRefreshes += 1; return render(d); })
      .catch(function () { /* keep the last figures on screen; try again next round */ });
  }

  render(data).then(function () { window.gonghuiChartsReady = true; });
  window.gonghuiScreenRefresh = refresh;
  setInterval(refresh, (config.refreshSeconds || 60) * 1000);
  document.getElementById("screen-figure").addEventListener("change", function (e) {
    params.set("figure", e.target.value);
    history.replaceState(null, "", "?" + params.toString());
    refresh();
  });
  window.addEventListener("resize", function () {
    keys.forEach(function (k) { instances[k].resize(); });
  });
})();
