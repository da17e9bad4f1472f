/* The mediation statistics bar chart (mediation/stats.html), drawn by the vendored ECharts
   from the page's JSON (#mediation-chart). A separate file so the CSP can forbid inline script. */
(function () {
  "use strict";
  var source = document.getElementById("mediation-chart");
  var el = document.getElementById("chart-categories");
  if (!source || !el || !window.echarts) return;
  var d = JSON.parse(source.textContent);
  if (!d.names.length) { el.style.display = "none"; return; }
  var chart = echarts.init(el, null, {renderer: "svg"});
  chart.setOption({
    color: ["#3b6fb6", "#2e8b57"], animation: false,
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
    legend: {top: 0},
    grid: {left: 8, right: 16, top: 36, bottom: 8, containLabel: true},
    xAxis: {type: "value", minInterval: 1},
    yAxis: {type: "category", data: d.names, inverse: true, axisLabel: {width: 90, overflow: "truncate"}},
    series: d.series.map(function (s) { return {name: s.name, type: "bar", data: s.data, barMaxWidth: 14}; })
  });
  el.style.height = Math.max(220, 60 + d.names.length * 40) + "px";
  chart.resize();
  window.addEventListener("resize", function () { chart.resize(); });
})();
