/* Draws the charts of the KPI pages with the vendored ECharts.
 *
 * A page marks a box with data-chart="ID" and embeds its data as
 * <script type="application/json" id="ID">{"categories": [...], "series": [...]}</script>;
 * each series has name, kind ("bar" | "line"), axis (index of its y axis), values and, for a line,
 * dashed (last year's figures) or thin (earlier weeks, drawn grey behind the others). Nothing is fetched: the numbers are the ones the server put in the
 * table beside the chart.
 */
(function () {
  "use strict";

  var COLORS = ["#2f6fad", "#e07b39", "#3f9142", "#8e44ad"];
  var CHINESE = (document.documentElement.lang || "").indexOf("zh") === 0;

  // One unit per axis, chosen from its largest value, so an axis never mixes "100万" with "80.0万"
  // or "1.5万" with "9000": 万 from 10万 up ("15万", "80万"), plain "12,000" below; decimals only where
  // a tick needs them.
  function unitFor(max) {
    if (CHINESE) {
      if (max >= 1e8) { return { size: 1e8, text: "亿" }; }
      if (max >= 1e5) { return { size: 1e4, text: "万" }; }
    } else {
      if (max >= 1e6) { return { size: 1e6, text: "M" }; }
      if (max >= 1e4) { return { size: 1e3, text: "k" }; }
    }
    return { size: 1, text: "", plain: true };
  }

  function formatter(unit) {
    return function (value) {
      if (unit.plain || value === 0) { return Number(value).toLocaleString(CHINESE ? "zh-CN" : "en"); }
      var scaled = value / unit.size;
      var text = scaled === Math.round(scaled) ? scaled.toFixed(0) : String(Number(scaled.toFixed(2)));
      return text + unit.text;
    };
  }

  function colorOf(series, s) {
    return COLORS[series.indexOf(s) % COLORS.length];
  }

  function axes(series) {
    var count = 0, max = [];
    series.forEach(function (s) {
      var i = s.axis || 0;
      count = Math.max(count, i + 1);
      (s.values || []).forEach(function (v) {
        if (v !== null && v !== undefined) { max[i] = Math.max(max[i] || 0, Math.abs(v)); }
      });
    });
    var result = [];
    for (var i = 0; i < count; i++) {
      var owner = series.filter(function (s) { return (s.axis || 0) === i; })[0];
      var axis = {
        type: "value",
        position: i === 0 ? "left" : "right",
        offset: i > 1 ? 64 * (i - 1) : 0,
        splitLine: { show: i === 0 },
        axisLabel: { formatter: formatter(unitFor(max[i] || 0)) }
      };
      if (i > 0 && owner) {  // every right-hand axis is drawn in its series' colour: none is hidden
        axis.axisLine = { show: true, lineStyle: { color: colorOf(series, owner) } };
      }
      result.push(axis);
    }
    return result;
  }

  function option(spec) {
    var horizontal = Boolean(spec.horizontal);
    // Names down the side are cut with an ellipsis at a fixed width, never clipped at the edge.
    var category = { type: "category", data: spec.categories,
                     axisLabel: horizontal ? { width: 120, overflow: "truncate" } : { hideOverlap: true } };
    var values = axes(spec.series);
    var series = spec.series.map(function (s, i) {
      var item = { name: s.name, type: s.kind || "line", data: s.values, smooth: s.kind === "line",
                   itemStyle: { color: COLORS[i % COLORS.length] }, connectNulls: false };
      if (s.dashed) { item.lineStyle = { type: "dashed" }; }
      if (s.thin) {
        item.lineStyle = { width: 1, opacity: 0.55 };
        item.itemStyle = { color: "#9fb3c8" };
        item.symbol = "none";
        item.z = 1;
      }
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
      grid: { left: 8, right: 16 + Math.max(0, values.length - 2) * 64, top: 40, bottom: 8, containLabel: true },
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
    window.addEventListener("beforeprint", function () { chart.resize(); });
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
