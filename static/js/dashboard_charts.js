/* Gonghui dashboards: ECharts options built from a chart's table (columns, formats, rows).
   Shared by the console dashboard (dashboard.js) and the 数据大屏 (dashboard_screen.js). */
(function () {
  "use strict";
  var geoCache = {};

  function pct(v) { return v === null || v === undefined ? null : Math.round(v * 1000) / 10; }

  function fmt(v, f) {
    if (v === null || v === undefined || v === "") return "—";
    if (f === "rate") return (v * 100).toFixed(1) + "%";
    if (typeof v === "number") return v.toLocaleString("zh-CN", {maximumFractionDigits: 2});
    return String(v);
  }

  function cols(chart, kinds) {
    var out = [];
    chart.formats.forEach(function (f, i) { if (kinds.indexOf(f) >= 0) out.push(i); });
    return out;
  }

  function labels(chart) {
    var text = cols(chart, ["text"]);
    return chart.rows.map(function (r) {
      return text.map(function (i) { return r[i]; }).filter(Boolean).join(" ");
    });
  }

  /* bar, line, bar-line, stack, progress: one category axis, counts on the left axis,
     rates (as %) on the right one (or alone). */
  function cartesian(chart, dark) {
    var x = labels(chart), values = cols(chart, ["int", "money", "num"]);
    var rates = cols(chart, ["rate"]), series = [], yAxis = [];
    var fg = dark ? "#cfe3ff" : "#333", size = dark ? 16 : 12;
    if (chart.kind === "progress") values = [];
    if (values.length) yAxis.push({type: "value", axisLabel: {color: fg, fontSize: size}, splitLine: {lineStyle: {opacity: dark ? 0.15 : 1}}});
    if (rates.length) yAxis.push({type: "value", min: 0, max: 100, axisLabel: {formatter: "{value}%", color: fg, fontSize: size}, splitLine: {show: !values.length}});
    values.forEach(function (i) {
      series.push({
        name: chart.columns[i], type: chart.kind === "line" ? "line" : "bar",
        stack: chart.kind === "stack" ? "total" : undefined, smooth: chart.kind === "line",
        data: chart.rows.map(function (r) { return r[i]; }),
      });
    });
    rates.forEach(function (i) {
      series.push({
        name: chart.columns[i], type: chart.kind === "progress" ? "bar" : "line",
        yAxisIndex: values.length ? 1 : 0, connectNulls: true,
        data: chart.rows.map(function (r) { return pct(r[i]); }),
        tooltip: {valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; }},
      });
    });
    var horizontal = chart.kind === "progress";
    var cat = {type: "category", data: x, axisLabel: {color: fg, fontSize: size, interval: 0, rotate: !horizontal && x.length > 8 && x.join("").length > 40 ? 30 : 0}};
    var option = {
      tooltip: {trigger: "axis"},
      legend: {top: 0, type: "scroll", textStyle: {color: fg, fontSize: size}},
      grid: {top: 40, left: 10, right: 10, bottom: 10, containLabel: true},
      xAxis: horizontal ? yAxis[0] : cat,
      yAxis: horizontal ? cat : (yAxis.length ? yAxis : [{type: "value"}]),
      series: series,
    };
    if (dark) option.color = ["#3fa7ff", "#ffd25f", "#4be3b0", "#ff7a7a", "#b38cff", "#7ad7ff"];
    return option;
  }

  function loadGeo(url, regions) {
    var key = regions.join(",");
    if (geoCache[key]) return Promise.resolve(geoCache[key]);
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error("map " + r.status);
      return r.json();
    }).then(function (geo) {
      var name = "gonghui-" + Object.keys(geoCache).length;
      var features = geo.features.filter(function (f) { return regions.indexOf(f.properties.name) >= 0; });
      echarts.registerMap(name, {type: "FeatureCollection", UTF8Encoding: geo.UTF8Encoding, features: features});
      geoCache[key] = name;
      return name;
    });
  }

  /* map (stations: outline coloured by the first figure + station points) and
     choropleth (大屏: outline coloured by the chosen figure). */
  function mapOption(chart, mapName, dark) {
    var regions = chart.extra.regions || [];
    var data = chart.extra.map_data
      ? chart.extra.map_data.map(function (p) { return {name: p[0], value: p[1]}; })
      : chart.rows.map(function (r, i) { return {name: regions[i], value: r[1]}; });
    var shown = chart.extra.map || [];  // only districts with an outline set the scale
    var vals = data.filter(function (d) { return shown.indexOf(d.name) >= 0; })
      .map(function (d) { return d.value || 0; });
    var max = Math.max.apply(null, vals.concat([1]));
    var min = vals.length ? Math.min.apply(null, vals) : 0;  // contrast between districts
    if (min >= max) min = 0;
    var fg = dark ? "#cfe3ff" : "#333";
    var series = [{
      name: chart.columns[1], type: "map", geoIndex: 0, data: data,
    }];
    if (chart.extra.points && chart.extra.points.length) {
      series.push({
        name: "站点", type: "scatter", coordinateSystem: "geo", large: true, largeThreshold: 500,
        symbolSize: 4, itemStyle: {color: dark ? "#ffd25f" : "#1f4e9c", opacity: 0.8},
        data: chart.extra.points.map(function (p) { return [p[0], p[1]]; }),
      });
    }
    return {
      tooltip: {trigger: "item", formatter: function (p) {
        return p.seriesType === "scatter" ? "" : p.name + "：" + fmt(p.value, chart.formats[1]);
      }},
      visualMap: {min: min, max: max, calculable: true, left: 10, bottom: 10, seriesIndex: 0,
        textStyle: {color: fg},
        inRange: {color: dark ? ["#0d2a4f", "#1f6fd1", "#5fd0ff"] : ["#fff5f5", "#f7b3b3", "#e36a6a"]}},
      geo: {map: mapName, roam: true, label: {show: true, color: fg, fontSize: dark ? 16 : 11},
        itemStyle: {borderColor: dark ? "#5fd0ff" : "#999", areaColor: dark ? "#0a1e3a" : "#f4f4f4"},
        emphasis: {label: {color: fg}}},
      series: series,
    };
  }

  /* Up to four gauges in a 2×2 grid (the 大屏's 三率 + 办结率). */
  function gaugeOption(chart) {
    var cols = chart.rows.length > 2 ? 2 : chart.rows.length, rowsN = Math.ceil(chart.rows.length / 2);
    return {
      series: chart.rows.map(function (r, i) {
        var cx = (i % cols + 0.5) * 100 / cols, cy = (Math.floor(i / cols) + 0.5) * 100 / rowsN;
        return {
          type: "gauge", name: r[0], min: 0, max: 100, radius: (rowsN > 1 ? 46 : 80) + "%",
          center: [cx + "%", (cy + 4) + "%"], startAngle: 210, endAngle: -30,
          progress: {show: true, width: 14}, axisLine: {lineStyle: {width: 14}},
          axisLabel: {show: false}, splitLine: {show: false}, axisTick: {show: false}, pointer: {show: false},
          title: {offsetCenter: [0, "72%"], color: "#cfe3ff", fontSize: 22},
          detail: {valueAnimation: true, offsetCenter: [0, "5%"], fontSize: 36, color: "#fff",
            formatter: function (v) { return v === null || v === undefined || isNaN(v) ? "—" : v + "%"; }},
          data: [{value: pct(r[1]), name: r[0]}],
        };
      }),
    };
  }

  /* Draw (or redraw) ``chart`` into ``instance``; a Promise (maps load their outlines). */
  function draw(instance, chart, opts) {
    opts = opts || {};
    var dark = !!opts.dark;
    if (chart.kind === "map" || chart.kind === "choropleth") {
      var regions = chart.extra.map || [];
      return loadGeo(opts.mapUrl, regions).then(function (name) {
        instance.setOption(mapOption(chart, name, dark), true);
      }).catch(function () {  // outlines unavailable: the figures as bars
        instance.setOption(cartesian(Object.assign({}, chart, {kind: "bar"}), dark), true);
      });
    }
    if (!chart.rows.length) {
      instance.setOption({title: {text: "暂无数据", left: "center", top: "middle",
        textStyle: {color: dark ? "#8fb8e8" : "#999", fontSize: dark ? 24 : 14}}}, true);
    } else {
      instance.setOption(chart.kind === "gauge" ? gaugeOption(chart) : cartesian(chart, dark), true);
    }
    return Promise.resolve();
  }

  window.GonghuiDash = {draw: draw, fmt: fmt};
})();
