/* The dashboard's and the big screen's charts (dashboards/board.html, screen.html), drawn by
   the vendored ECharts from the page's JSON (#dashboard-charts): bars per series and, when a
   series is a rate, a line on a second axis in per cent. A separate file so the CSP can forbid
   inline script. Each chart's element gets data-ready="1" once drawn (tests wait on it). */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || !window.echarts) return;
  var dark = document.body.getAttribute("data-theme") === "dark";
  var colors = ["#3b6fb6", "#2e8b57", "#e39b2d", "#c0392b"];
  var charts = [];
  function draw(d) {
    var el = document.getElementById(d.id);
    if (!el) return;
    if (!d.names.length) { el.style.display = "none"; el.setAttribute("data-ready", "0"); return; }
    var rate = d.series.some(function (s) { return s.rate; });
    var value = [{type: "value", minInterval: 1}];
    if (rate) value.push({type: "value", min: 0, max: 100, axisLabel: {formatter: "{value}%"}, splitLine: {show: false}});
    var category = {type: "category", data: d.names, axisLabel: {width: 90, overflow: "truncate", interval: 0, rotate: d.horizontal ? 0 : (d.names.length > 6 ? 40 : 0)}};
    if (d.horizontal) category.inverse = true;
    if (d.horizontal) el.style.height = Math.max(240, 60 + d.names.length * 30) + "px";
    var chart = echarts.init(el, dark ? "dark" : null, {renderer: "svg"});
    chart.setOption({
      color: colors, animation: false, backgroundColor: "transparent",
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      legend: {top: 0},
      grid: {left: 8, right: 16, top: 36, bottom: 8, containLabel: true},
      xAxis: d.horizontal ? value[0] : category,
      yAxis: d.horizontal ? category : value,
      series: d.series.map(function (s) {
        return s.rate
          ? {name: s.name, type: "line", yAxisIndex: 1, data: s.data, connectNulls: true}
          : {name: s.name, type: "bar", data: s.data, barMaxWidth: 18};
      })
    });
    charts.push(chart);
    el.setAttribute("data-ready", "1");
  }
  JSON.parse(source.textContent).forEach(draw);
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
