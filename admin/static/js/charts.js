/* Draws the charts of the KPI pages with the vendored ECharts.
 *
 * A page marks a box with data-chart="ID" and embeds its data as
 * <script type="application/json" id="ID">{"categories": [...], "series": [...]}</script>;
 * each series has name, kind ("bar" | "line"), axis (index of its y axis) and values.
 * Nothing is fetched: the numbers are the ones the server put in the table beside the chart.
 */
(function () {
  "use strict";

  var COLORS = ["#2f6fad", "#e07b39", "#3f9142", "#8e44ad"];

  function axes(series) {
    var count = 0;
    series.forEach(function (s) { count = Math.max(count, (s.axis || 0) + 1); });
    var result = [];
    for (var i = 0; i < count; i++) {
      result.push({
        type: "value",
        position: i === 0 ? "left" : "right",
        offset: i > 1 ? 64 * (i - 1) : 0,
        show: i < 2,
        splitLine: { show: i === 0 },
        axisLabel: { formatter: compact }
      });
    }
    return result;
  }

  var CHINESE = (document.documentElement.lang || "").indexOf("zh") === 0;

  function compact(value) {
    var abs = Math.abs(value);
    if (CHINESE) {
      if (abs >= 1e8) { return (value / 1e8).toFixed(1) + "亿"; }
      if (abs >= 1e4) { return (value / 1e4).toFixed(abs >= 1e6 ? 0 : 1) + "万"; }
      return String(value);
    }
    if (abs >= 1e6) { return (value / 1e6).toFixed(1) + "M"; }
    if (abs >= 1e3) { return (value / 1e3).toFixed(abs >= 1e5 ? 0 : 1) + "k"; }
    return String(value);
  }

  function option(spec) {
    var horizontal = Boolean(spec.horizontal);
    var category = { type: "category", data: spec.categories, axisLabel: { hideOverlap: true } };
    var values = axes(spec.series);
    var series = spec.series.map(function (s, i) {
      var item = { name: s.name, type: s.kind || "line", data: s.values, smooth: s.kind === "line",
                   itemStyle: { color: COLORS[i % COLORS.length] }, connectNulls: false };
      item[horizontal ? "xAxisIndex" : "yAxisIndex"] = horizontal ? 0 : (s.axis || 0);
      return item;
    });
    if (horizontal) {
      // Many shops: bars only, names down the side, so every label stays readable.
      series = series.filter(function (s) { return s.type === "bar"; });
    }
    return {
      animation: false,
      color: COLORS,
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: horizontal ? [values[0]] : category,
      yAxis: horizontal ? Object.assign({ inverse: true }, category) : values,
      series: series
    };
  }

  function draw(box) {
    var source = document.getElementById(box.getAttribute("data-chart"));
    if (!source || !window.echarts) { return; }
    // A tall chart (many shops) says its height in data-chart-height: a style attribute would break the CSP.
    var height = box.getAttribute("data-chart-height");
    if (height) { box.style.height = height + "px"; }
    var chart = window.echarts.init(box, null, { renderer: "canvas" });
    chart.setOption(option(JSON.parse(source.textContent)));
    box.setAttribute("data-drawn", "true");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawAll() {
    document.querySelectorAll("[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
