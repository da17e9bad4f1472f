/* Gongzhi maps, drawn by the vendored ECharts from GeoJSON (no tile server needed). Each map
   is a <div data-map="grids|requests|outlines|draw|pick"> wired by its data- attributes: a
   separate file so the Content-Security-Policy can forbid inline script. Coordinates are
   WGS-84 [lng, lat]; the projection is Web Mercator so an optional tile layer lines up. */
(function () {
  "use strict";
  if (!window.echarts) return;
  var RAD = Math.PI / 180;
  var mercator = {
    project: function (p) { return [p[0], -Math.log(Math.tan(Math.PI / 4 + p[1] * RAD / 2)) / RAD]; },
    unproject: function (p) { return [p[0], (2 * Math.atan(Math.exp(-p[1] * RAD)) - Math.PI / 2) / RAD]; }
  };

  // Pixel → [lng, lat]. ECharts 5.6's convertFromPixel does not invert a custom projection
  // (it answers neither the projected nor the plain latitude), while convertToPixel is right;
  // so each coordinate is found by bisection on convertToPixel (x grows with longitude, y falls
  // with latitude in this projection).
  function fromPixel(chart, finder, xy) {
    function solve(lo, hi, axis, rising, fixed) {
      for (var i = 0; i < 50; i++) {
        var mid = (lo + hi) / 2, p = chart.convertToPixel(finder, axis === 0 ? [mid, fixed] : [fixed, mid]);
        if (!p) return null;
        if ((p[axis] < xy[axis]) === rising) lo = mid; else hi = mid;
      }
      return (lo + hi) / 2;
    }
    var lng = solve(-180, 180, 0, true, 0);
    var lat = lng === null ? null : solve(-85, 85, 1, false, lng);
    return lat === null ? null : [lng, lat];
  }

  // The tapped pixel inside the map, from the browser's own event (zrender's offsets can be
  // stale after the page has scrolled).
  function tapped(el, e) {
    var box = el.getBoundingClientRect(), ev = e.event || {};
    var touch = ev.changedTouches && ev.changedTouches[0];
    var x = touch ? touch.clientX : ev.clientX, y = touch ? touch.clientY : ev.clientY;
    return x === undefined ? [e.offsetX, e.offsetY] : [x - box.left, y - box.top];
  }

  function $(sel, root) { return (root || document).querySelector(sel); }
  function text(el, s) { if (el) el.textContent = s; }
  function getJSON(url, done) {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.onload = function () { if (xhr.status === 200) done(JSON.parse(xhr.responseText)); };
    xhr.send();
  }
  function geometry(g) { return g && g.type === "Feature" ? g.geometry : g; }
  // A FeatureCollection of outlines named by id (ECharts matches data to regions by name).
  function collection(items) {
    return {
      type: "FeatureCollection",
      features: items.filter(function (x) { return geometry(x.geojson); }).map(function (x) {
        return {type: "Feature", properties: {name: String(x.id), label: x.name}, geometry: geometry(x.geojson)};
      })
    };
  }
  // Short labels: "南庄社区第01网格" in 南庄社区 is shown as "第01网格".
  function regionNames(items) {
    var names = {};
    items.forEach(function (x) {
      var prefix = x.community || "";
      names[String(x.id)] = prefix && x.name.indexOf(prefix) === 0 && x.name.length > prefix.length ? x.name.slice(prefix.length) : x.name;
    });
    return names;
  }
  var count = 0;
  function register(items) {
    var name = "gongzhi-" + (++count);
    echarts.registerMap(name, collection(items));
    return name;
  }
  function init(el) {
    var chart = echarts.init(el, null, {renderer: "canvas"});
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  // The optional background tiles ({z}/{x}/{y}, Web Mercator) as <img> under the canvas,
  // laid out again after every pan and zoom.
  function tiles(chart, el, url, finder) {
    if (!url) return;
    var layer = document.createElement("div");
    layer.className = "map-tiles";
    el.insertBefore(layer, el.firstChild);
    function tileLng(x, z) { return x / Math.pow(2, z) * 360 - 180; }
    function tileLat(y, z) { var n = Math.PI - 2 * Math.PI * y / Math.pow(2, z); return Math.atan(Math.sinh(n)) / RAD; }
    function layout() {
      var w = el.clientWidth, h = el.clientHeight;
      var a = fromPixel(chart, finder, [0, 0]), b = fromPixel(chart, finder, [w, h]);
      if (!a || !b) return;
      var perDeg = w / Math.max(1e-9, b[0] - a[0]);
      var z = Math.max(1, Math.min(19, Math.round(Math.log(perDeg * 360 / 256) / Math.LN2)));
      var n = Math.pow(2, z), x0 = Math.floor((a[0] + 180) / 360 * n), x1 = Math.floor((b[0] + 180) / 360 * n);
      function tileY(lat) { return Math.floor((1 - Math.log(Math.tan(lat * RAD) + 1 / Math.cos(lat * RAD)) / Math.PI) / 2 * n); }
      var y0 = tileY(a[1]), y1 = tileY(b[1]);
      layer.textContent = "";
      if ((x1 - x0 + 1) * (y1 - y0 + 1) > 200) return;
      for (var x = x0; x <= x1; x++) {
        for (var y = y0; y <= y1; y++) {
          var p = chart.convertToPixel(finder, [tileLng(x, z), tileLat(y, z)]);
          var q = chart.convertToPixel(finder, [tileLng(x + 1, z), tileLat(y + 1, z)]);
          var img = document.createElement("img");
          img.alt = "";
          img.src = url.replace("{z}", z).replace("{x}", x).replace("{y}", y);
          img.style.cssText = "position:absolute;left:" + p[0] + "px;top:" + p[1] + "px;width:" + (q[0] - p[0]) + "px;height:" + (q[1] - p[1]) + "px";
          layer.appendChild(img);
        }
      }
    }
    chart.on("georoam", layout);
    chart.on("finished", layout);
  }

  /* ---------------- the grid map: one region and one data item per grid ---------------- */
  function gridMap(el) {
    var d = el.dataset, panel = $(d.panel), select = $(d.metric), table = $(d.table);
    getJSON(d.url, function (data) {
      var grids = data.grids, names = regionNames(grids), byId = {};
      grids.forEach(function (g) { byId[String(g.id)] = g; });
      var metric = data.metrics.length ? data.metrics[0].key : null;
      if (select) {
        data.metrics.forEach(function (m) {
          var o = document.createElement("option"); o.value = m.key; o.textContent = m.label; select.appendChild(o);
        });
        select.hidden = !data.metrics.length;
      }
      var labelOf = {};
      data.metrics.forEach(function (m) { labelOf[m.key] = m.label; });
      var chart = init(el), mapName = register(grids);
      function option() {
        var values = grids.map(function (g) { return metric ? g[metric] || 0 : 0; });
        var max = Math.max.apply(null, values.concat([1]));
        return {
          animation: false,
          tooltip: {
            trigger: "item",
            formatter: function (p) {
              var g = byId[p.name]; if (!g) return "";
              var lines = [g.community + " · " + g.name];
              data.metrics.forEach(function (m) { lines.push(m.label + "：" + g[m.key]); });
              return lines.map(function (s) { return echarts.format.encodeHTML(s); }).join("<br>");
            }
          },
          visualMap: metric ? {min: 0, max: max, left: 8, bottom: 8, calculable: false, itemHeight: 80,
                               text: [String(max), "0"], inRange: {color: ["#e8f1fb", "#3b6fb6", "#c0392b"]}} : undefined,
          series: [{
            type: "map", map: mapName, roam: true, projection: mercator, selectedMode: false,
            label: {show: grids.length <= 60, formatter: function (p) { return names[p.name] || ""; }, fontSize: 10},
            labelLayout: {hideOverlap: true},
            itemStyle: {borderColor: "#fff", borderWidth: 1, areaColor: "#dfe6ee"},
            emphasis: {label: {show: true, formatter: function (p) { return names[p.name] || ""; }}, itemStyle: {areaColor: "#e39b2d"}},
            data: grids.map(function (g) { return {name: String(g.id), value: metric ? g[metric] || 0 : 0}; })
          }]
        };
      }
      chart.setOption(option(), true);
      tiles(chart, el, d.tiles, {seriesIndex: 0});
      if (select) select.addEventListener("change", function () { metric = select.value; chart.setOption(option(), true); });
      chart.on("click", function (p) { show(byId[p.name]); });
      function show(g) {
        if (!panel || !g) return;
        panel.hidden = false;
        text($("[data-name]", panel), g.community + " · " + g.name);
        var list = $("[data-figures]", panel);
        list.textContent = "";
        data.metrics.forEach(function (m) {
          var li = document.createElement("li"), a = document.createElement(g.links[m.key] ? "a" : "span");
          if (g.links[m.key]) a.href = g.links[m.key];
          a.textContent = m.label + "：" + g[m.key];
          a.setAttribute("data-figure", m.key);
          li.appendChild(a); list.appendChild(li);
        });
        $("[data-zoom]", panel).href = g.links.map;
        panel.scrollIntoView({block: "nearest"});
      }
      if (table) fillTable(table, grids, data.metrics);
      el.setAttribute("data-ready", String(grids.length));
    });
  }

  function fillTable(table, grids, metrics) {
    var head = table.tHead.rows[0], body = table.tBodies[0];
    metrics.forEach(function (m) { var th = document.createElement("th"); th.className = "num"; th.textContent = m.label; head.appendChild(th); });
    grids.forEach(function (g) {
      var tr = body.insertRow();
      tr.insertCell().textContent = g.community;
      var a = document.createElement("a"); a.href = g.links.map; a.textContent = g.name; tr.insertCell().appendChild(a);
      metrics.forEach(function (m) { var td = tr.insertCell(); td.className = "num"; td.textContent = g[m.key]; });
    });
  }

  /* ---------------- outlines under points: the request map, the pickers, the editor ---------------- */
  function outlineOption(mapName, names, extra) {
    var o = {
      animation: false,
      geo: {map: mapName, roam: true, projection: mercator, selectedMode: false, silent: false,
            label: {show: Object.keys(names).length <= 12, formatter: function (p) { return names[p.name] || ""; }, fontSize: 10, color: "#555"},
            itemStyle: {areaColor: "#eef2f6", borderColor: "#8aa1ba"},
            emphasis: {disabled: true}, tooltip: {show: false}},
      tooltip: {trigger: "item"},
      series: []
    };
    for (var k in extra) o[k] = extra[k];
    return o;
  }

  var STATUS_COLOR = {received: "#3b6fb6", dispatched: "#5b8def", handling: "#e39b2d", replied: "#8e6bbf", closed: "#2e8b57", completed: "#2e8b57"};
  function requestMap(el) {
    var d = el.dataset, form = $(d.filters), out = $(d.count), chart = init(el), mapName;
    function load() {
      var params = new URLSearchParams(new FormData(form)).toString();
      getJSON(d.url + "?" + params, function (data) {
        text(out, out.dataset.template.replace("{shown}", data.shown).replace("{total}", data.total));
        var series = {type: "scatter", coordinateSystem: "geo", symbolSize: 9, encode: {tooltip: 2},
          data: data.points.map(function (p) {
            return {value: [p.lng, p.lat], p: p, itemStyle: {color: p.overdue ? "#c0392b" : (STATUS_COLOR[p.status] || "#666"), borderColor: "#fff", borderWidth: 1}};
          }),
          tooltip: {formatter: function (x) {
            var p = x.data.p;
            return [p.number, p.category, p.status_label + (p.overdue ? " · " + d.overdueLabel : "")].map(echarts.format.encodeHTML).join("<br>");
          }}};
        chart.setOption({series: [series]});
        el.setAttribute("data-points", String(data.points.length));
      });
    }
    getJSON(d.area, function (area) {
      var names = regionNames(area.grids);
      mapName = register(area.grids);
      chart.setOption(outlineOption(mapName, names, {}), true);
      tiles(chart, el, d.tiles, {geoIndex: 0});
      chart.on("click", function (x) { if (x.data && x.data.p) window.location.href = x.data.p.url; });
      load();
    });
    form.addEventListener("change", load);
    form.addEventListener("submit", function (e) { e.preventDefault(); load(); });
  }

  // A point chosen on the map (a tap) or from the browser's position, written to two inputs.
  function pickMap(el) {
    var d = el.dataset, lat = $(d.lat), lng = $(d.lng), out = $(d.out), chart = init(el);
    var point = lat && lat.value && lng.value ? [parseFloat(lng.value), parseFloat(lat.value)] : null;
    function marker() {
      chart.setOption({series: [{type: "effectScatter", coordinateSystem: "geo", symbolSize: 14, rippleEffect: {scale: 2.5},
                                 itemStyle: {color: "#c0392b"}, data: point ? [point] : []}]});
    }
    function set(p, fromMap) {
      point = p;
      if (fromMap) {
        lat.value = p[1].toFixed(6); lng.value = p[0].toFixed(6);
        lat.dispatchEvent(new Event("change", {bubbles: true}));
        if (out) text(out, d.picked + " " + lat.value + "，" + lng.value);
      }
      marker();
    }
    getJSON(d.area, function (area) {
      var names = regionNames(area.grids), extra = {};
      if (d.center && !point) extra = {};
      chart.setOption(outlineOption(register(area.grids), names, extra), true);
      marker();
      tiles(chart, el, d.tiles, {geoIndex: 0});
      chart.getZr().on("click", function (e) {
        var p = fromPixel(chart, {geoIndex: 0}, tapped(el, e));
        if (p) set(p, true);
      });
      el.setAttribute("data-ready", String(area.grids.length));
    });
    // The browser's position (gongzhi.js fills the inputs) moves the marker too.
    document.addEventListener("gongzhi:located", function () {
      if (lat.value && lng.value) set([parseFloat(lng.value), parseFloat(lat.value)], false);
    });
  }

  // Drawing a boundary: taps add corners; the ring is written as a GeoJSON Polygon.
  function drawMap(el) {
    var d = el.dataset, shapes = JSON.parse($(d.shapes).textContent), field = $(d.field), chart = init(el);
    var items = shapes.siblings.slice();
    var corners = [];
    var current = geometry(shapes.current);
    if (current && current.type === "Polygon") corners = current.coordinates[0].slice(0, -1);
    items.push({id: "current-old", name: "", geojson: shapes.current});
    function polygon() { return corners.length >= 3 ? {type: "Polygon", coordinates: [corners.concat([corners[0]])]} : null; }
    function redraw() {
      var ring = corners.length ? corners.concat(corners.length >= 3 ? [corners[0]] : []) : [];
      chart.setOption({series: [
        {type: "lines", coordinateSystem: "geo", polyline: true, silent: true, lineStyle: {color: "#c0392b", width: 2},
         data: ring.length >= 2 ? [{coords: ring}] : []},
        {type: "scatter", coordinateSystem: "geo", symbolSize: 8, silent: true, itemStyle: {color: "#c0392b"}, data: corners}
      ]});
      var p = polygon();
      field.value = p ? JSON.stringify(p) : "";
      el.setAttribute("data-corners", String(corners.length));
    }
    var names = regionNames(items.filter(function (x) { return x.geojson; }));
    chart.setOption(outlineOption(register(items.length ? items : []), names, {}), true);
    tiles(chart, el, d.tiles, {geoIndex: 0});
    redraw();
    chart.getZr().on("click", function (e) {
      var p = fromPixel(chart, {geoIndex: 0}, tapped(el, e));
      if (p) { corners.push([+p[0].toFixed(6), +p[1].toFixed(6)]); redraw(); }
    });
    var undo = $(d.undo), clear = $(d.clear);
    if (undo) undo.addEventListener("click", function () { corners.pop(); redraw(); });
    if (clear) clear.addEventListener("click", function () { corners = []; redraw(); });
    field.addEventListener("change", function () {
      try { var g = geometry(JSON.parse(field.value)); corners = g.coordinates[0].slice(0, -1); redraw(); } catch (err) { /* the server says what is wrong */ }
    });
    el.setAttribute("data-ready", "1");
  }

  // Outlines only (the boundaries page), from the page's JSON.
  function outlineMap(el) {
    var d = el.dataset, items = JSON.parse($(d.shapes).textContent), chart = init(el);
    chart.setOption(outlineOption(register(items), regionNames(items), {}), true);
    tiles(chart, el, d.tiles, {geoIndex: 0});
    el.setAttribute("data-ready", String(items.length));
  }

  var kinds = {grids: gridMap, requests: requestMap, pick: pickMap, draw: drawMap, outlines: outlineMap};
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-map]"), function (el) {
      var f = kinds[el.dataset.map]; if (f) f(el);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
