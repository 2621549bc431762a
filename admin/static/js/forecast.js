/* Draws the forecast page's chart with the vendored ECharts: actuals, the forecast with its prediction
 * interval as a band, the seasonal-naive baseline dashed, holidays shaded and make-up working days (调休)
 * marked with a line. The data is embedded by the server as
 * <script type="application/json" id="ID">{categories, actual, mean, lower, upper, naive, marks, names}</script>.
 */
(function () {
  "use strict";

  function draw(box) {
    var source = document.getElementById(box.getAttribute("data-forecast"));
    if (!source || !window.echarts) { return; }
    var d = JSON.parse(source.textContent);
    var band = d.upper.map(function (u, i) { return u === null ? null : u - d.lower[i]; });
    // Consecutive days off of one holiday make one shaded area, named once.
    var holidays = [];
    d.marks.filter(function (m) { return m.kind === "holiday"; }).forEach(function (m) {
      var last = holidays[holidays.length - 1];
      var next = d.categories.indexOf(m.day);
      if (last && last[0].name === m.name && d.categories.indexOf(last[1].xAxis) === next - 1) {
        last[1].xAxis = m.day;
      } else {
        holidays.push([{ xAxis: m.day, name: m.name }, { xAxis: m.day }]);
      }
    });
    var workdays = d.marks.filter(function (m) { return m.kind === "workday"; })
      .map(function (m) { return { xAxis: m.day, name: d.names.workday }; });
    var chart = window.echarts.init(box, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: [d.names.actual, d.names.mean, d.names.band, d.names.naive] },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: d.categories, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value" },
      series: [
        { name: "lower", type: "line", data: d.lower, stack: "band", symbol: "none", lineStyle: { opacity: 0 },
          tooltip: { show: false } },
        { name: d.names.band, type: "line", data: band, stack: "band", symbol: "none", lineStyle: { opacity: 0 },
          areaStyle: { color: "rgba(224,123,57,0.22)" }, itemStyle: { color: "rgba(224,123,57,0.5)" } },
        { name: d.names.actual, type: "line", data: d.actual, symbol: "none", itemStyle: { color: "#2f6fad" },
          markArea: { silent: true, itemStyle: { color: "rgba(63,145,66,0.12)" },
                      label: { position: "insideTop", color: "#3f9142" }, data: holidays },
          markLine: { symbol: "none", silent: true, lineStyle: { color: "#8e44ad", type: "dotted" },
                      label: { formatter: "调休", color: "#8e44ad", position: "insideEndTop" }, data: workdays } },
        { name: d.names.mean, type: "line", data: d.mean, symbol: "none", itemStyle: { color: "#e07b39" } },
        { name: d.names.naive, type: "line", data: d.naive, symbol: "none", itemStyle: { color: "#7f8c8d" },
          lineStyle: { type: "dashed", width: 1 } }
      ]
    });
    box.setAttribute("data-drawn", "true");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawAll() { document.querySelectorAll("[data-forecast]").forEach(draw); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", drawAll); } else { drawAll(); }
})();
