/* The burden report's two bar charts (compact/burden.html), drawn by the vendored ECharts
   from the page's JSON (#burden-charts). A separate file so the CSP can forbid inline script. */
(function () {
  "use strict";
  var source = document.getElementById("burden-charts");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var colors = ["#3b6fb6", "#c0392b", "#e39b2d"];
  function draw(id, d) {
    var el = document.getElementById(id);
    if (!el) return;
    if (!d.names.length) { el.style.display = "none"; return; }
    var chart = echarts.init(el, null, {renderer: "svg"});
    chart.setOption({
      color: colors, animation: false,
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      legend: {top: 0},
      grid: {left: 8, right: 16, top: 36, bottom: 8, containLabel: true},
      xAxis: {type: "value", minInterval: 1},
      yAxis: {type: "category", data: d.names, inverse: true, axisLabel: {width: 90, overflow: "truncate"}},
      series: d.series.map(function (s) { return {name: s.name, type: "bar", data: s.data, barMaxWidth: 14}; })
    });
    el.style.height = Math.max(220, 60 + d.names.length * 48) + "px";
    chart.resize();
    window.addEventListener("resize", function () { chart.resize(); });
  }
  draw("chart-communities", data.communities);
  draw("chart-departments", data.departments);
})();
