/* Console behaviour without inline scripts (Content-Security-Policy: script-src 'self').
   - <button data-print> prints the page;
   - <div data-focus="ID"> focuses element #ID once the page is loaded;
   - <div data-echart="KIND" data-source="JSON-SCRIPT-ID" data-labels="{JSON}"> draws an ECharts
     chart from the json_script element (labels come translated from the template). */
(function () {
  "use strict";

  function readJson(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  const CHARTS = {
    // 年度清单 item: monthly values against the target (rates per month, counts cumulative)
    "plan-trend": function (data, l) {
      const rate = data.kind === "rate";
      let sum = 0;
      const series = rate ? data.values : data.values.map(function (v) { return (sum += (v || 0)); });
      const done = rate ? l.month : l.cumulative;
      return {
        tooltip: {trigger: "axis"},
        legend: {data: [done, l.target]},
        xAxis: {type: "category", data: data.months},
        yAxis: {type: "value", axisLabel: rate ? {formatter: function (v) { return Math.round(v * 100) + "%"; }} : {}},
        series: [
          {name: done, type: rate ? "line" : "bar", data: series},
          {name: l.target, type: "line", data: data.months.map(function () { return data.target; }), symbol: "none", lineStyle: {type: "dashed"}},
        ],
      };
    },
    // 12351 三率 page: received and resolved per day
    "hotline-trend": function (trend, l) {
      return {
        tooltip: {trigger: "axis"},
        legend: {data: [l.received, l.done]},
        xAxis: {type: "category", data: trend.map(function (r) { return r.day; })},
        yAxis: {type: "value", minInterval: 1},
        series: [
          {name: l.received, type: "line", data: trend.map(function (r) { return r.received; })},
          {name: l.done, type: "bar", data: trend.map(function (r) { return r.done; })},
        ],
      };
    },
    // 普惠服务统计: person-times and persons per category
    "services-category": function (data, l) {
      return {
        title: {text: l.title, left: "center", textStyle: {fontSize: 14}},
        tooltip: {trigger: "axis"},
        legend: {data: [l.personTimes, l.persons], top: 24},
        grid: {top: 60},
        xAxis: {type: "category", data: data.map(function (r) { return r.name; }), axisLabel: {interval: 0, rotate: data.length > 6 ? 30 : 0}},
        yAxis: {type: "value", minInterval: 1},
        series: [
          {name: l.personTimes, type: "bar", data: data.map(function (r) { return r.person_times; })},
          {name: l.persons, type: "bar", data: data.map(function (r) { return r.persons; })},
        ],
      };
    },
    // 每月一题: appeals on the topic per month since its month (the baseline)
    "topic-volume": function (rows, l) {
      return {
        tooltip: {trigger: "axis"},
        xAxis: {type: "category", data: rows.map(function (r) { return r.month; })},
        yAxis: {type: "value", minInterval: 1},
        series: [{name: l.volume, type: "line", data: rows.map(function (r) { return r.volume; })}],
      };
    },
    // 驿站建设目标: target and opened per org
    "station-targets": function (data, l) {
      return {
        tooltip: {trigger: "axis"},
        legend: {data: [l.target, l.opened]},
        xAxis: {type: "category", data: data.map(function (r) { return r.org; }), axisLabel: {interval: 0, rotate: data.length > 6 ? 30 : 0}},
        yAxis: {type: "value", minInterval: 1},
        series: [
          {name: l.target, type: "bar", data: data.map(function (r) { return r.target; })},
          {name: l.opened, type: "bar", data: data.map(function (r) { return r.opened; })},
        ],
      };
    },
  };
  // the charts' handles, for the page tests (window.gonghuiTrendChart etc.)
  const HANDLES = {
    "hotline-trend": "gonghuiTrendChart",
    "services-category": "gonghuiServicesChart",
    "station-targets": "gonghuiTargetsChart",
    "plan-trend": "gonghuiPlanChart",
    "topic-volume": "gonghuiTopicChart",
  };

  function drawCharts() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-echart]").forEach(function (el) {
      const build = CHARTS[el.dataset.echart];
      const data = readJson(el.dataset.source);
      if (!build || data === null) return;
      const labels = JSON.parse(el.dataset.labels || "{}");
      const chart = echarts.init(el);
      chart.setOption(build(data, labels));
      window[HANDLES[el.dataset.echart]] = chart;
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  function ready() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    document.querySelectorAll("[data-focus]").forEach(function (el) {
      const target = document.getElementById(el.dataset.focus);
      if (target) target.focus();
    });
    drawCharts();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
