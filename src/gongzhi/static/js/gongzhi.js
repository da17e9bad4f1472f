/* Behaviour of the pages, kept out of the HTML so the Content-Security-Policy can forbid
   inline script (docs/decisions/0007-csp.md). Each part wires itself to the elements that ask
   for it by a data- attribute or an id; pages without them are left alone. Texts come from
   the page (translated there), never from this file. Every page works without it. */
(function () {
  "use strict";

  function each(selector, fn) { Array.prototype.forEach.call(document.querySelectorAll(selector), fn); }
  function byId(id) { return document.getElementById(id); }
  function jsonData(id) { var el = byId(id); return el ? JSON.parse(el.textContent) : null; }

  // The ☰ button opens and closes the left menu on a phone.
  each("[data-toggle-menu]", function (button) {
    button.addEventListener("click", function () {
      var menu = byId(button.getAttribute("data-toggle-menu"));
      if (!menu) return;
      menu.classList.toggle("open");
      button.setAttribute("aria-expanded", menu.classList.contains("open"));
    });
  });

  // Logging out deletes what the field-work pages keep in this browser for offline work (the
  // service workers, their caches and the IndexedDB bases named gongzhi-…, docs/offline.md),
  // after asking when forms are still waiting to be sent (static/js/offline.js counts them in
  // "<base>-pending" and lists its bases in "gongzhi-offline-bases").
  each("form[data-logout]", function (form) {
    form.addEventListener("submit", function (event) {
      var pending = 0, bases = [];
      try {
        bases = JSON.parse(localStorage.getItem("gongzhi-offline-bases") || "[]");
        bases.forEach(function (b) { pending += Number(localStorage.getItem(b + "-pending") || 0); });
      } catch (e) { /* private mode */ }
      if (!pending && !window.caches && !window.indexedDB) return;
      event.preventDefault();
      if (pending && !window.confirm(form.dataset.confirmPending.replace("%(n)s", pending))) return;
      // "gongzhi-care": the care pages' base before the mechanism was shared.
      if (bases.indexOf("gongzhi-care") < 0) bases.push("gongzhi-care");
      var isOurs = function (name) { return name && name.indexOf("gongzhi-") === 0; };
      var work = [];
      if (window.caches) {
        work.push(caches.keys().then(function (names) {
          return Promise.all(names.filter(isOurs).map(function (n) { return caches.delete(n); }));
        }));
      }
      if (window.indexedDB) {
        bases.forEach(function (base) {
          work.push(new Promise(function (done) {
            var r = indexedDB.deleteDatabase(base);
            r.onsuccess = r.onerror = r.onblocked = done;
          }));
        });
      }
      if (navigator.serviceWorker) {
        work.push(navigator.serviceWorker.getRegistrations().then(function (regs) {
          return Promise.all(regs.map(function (reg) { return reg.unregister(); }));
        }));
      }
      try {
        bases.forEach(function (b) { localStorage.removeItem(b + "-pending"); });
        localStorage.removeItem("gongzhi-offline-bases");
      } catch (e) { /* private mode */ }
      // Log out even if the browser is slow to clear (or refuses): never keep her from leaving.
      var timeout = new Promise(function (done) { setTimeout(done, 2000); });
      Promise.race([Promise.all(work).catch(function () {}), timeout]).then(function () { form.submit(); });
    });
  });

  // A select that submits its form when changed (language, list filters).
  each("select[data-autosubmit]", function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // "Get my location": fills #id_lat / #id_lng from the device. The button carries the texts
  // (data-unsupported, data-locating, data-located, data-failed); data-show-coords appends
  // the coordinates; data-notify names an element that gets the htmx event "located".
  var locate = byId("locate");
  if (locate) {
    locate.addEventListener("click", function () {
      var d = locate.dataset, out = byId("location-text");
      if (!navigator.geolocation) { out.textContent = d.unsupported; return; }
      if (d.locating) out.textContent = d.locating;
      navigator.geolocation.getCurrentPosition(function (p) {
        var lat = p.coords.latitude.toFixed(6), lng = p.coords.longitude.toFixed(6);
        byId("id_lat").value = lat;
        byId("id_lng").value = lng;
        out.textContent = d.showCoords ? d.located + " " + lat + "，" + d.longitude + " " + lng : d.located;
        if (d.notify && window.htmx) htmx.trigger(d.notify, "located");
        document.dispatchEvent(new CustomEvent("gongzhi:located"));  // the map picker's marker (maps/maps.js)
      }, function () { out.textContent = d.failed; }, {enableHighAccuracy: true, timeout: 15000});
    });
  }

  // Dispatching a request: the deadline the chosen category gives.
  var days = jsonData("deadline-by-category"), category = byId("id_dispatch-category");
  if (days && category) {
    category.addEventListener("change", function () {
      var out = byId("dispatch-category-deadline");
      out.hidden = !this.value;
      out.textContent = this.value ? out.dataset.prefix + " " + days[this.value] + "。" : "";
    });
  }

  // A matter's workflow: show only the evidence the chosen step takes (a decision, a board
  // entry, or a note); the server checks it anyway.
  var kinds = jsonData("workflow-kinds"), complete = byId("workflow-complete");
  if (kinds && complete) {
    var step = complete.querySelector("[name=step]");
    var field = function (name) { return byId("field-" + name); };
    var update = function () {
      var k = kinds[step.value] || {}, merge = field("merge_previous");
      if (merge) merge.hidden = !k.merge;
      if (field("decision")) field("decision").hidden = k.kind !== "vote";
      var board = ["disclose", "decision_pub", "result_pub"].indexOf(k.kind) >= 0;
      if (field("disclosure")) field("disclosure").hidden = !board;
      if (field("done_on")) field("done_on").hidden = k.kind !== "record";
    };
    step.addEventListener("change", update);
    update();
  }
  // An ID number is checked as it is typed (GB 11643: check character, birth date, gender),
  // without asking the server, which checks again on saving (core/idnumber.py). The messages
  // are the page's (includes/field.html); an empty gender or birth date in the same form is
  // filled from the number.
  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], CHECKS = "10X98765432";
  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, k) { return values[k]; });
  }
  function checkId(raw, out) {
    var d = out.dataset;
    var text = raw.replace(/\s/g, "").replace(/[０-９Ｘｘ]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xFEE0);
    }).toUpperCase();
    if (!text) return {text: "", ok: false};
    if (!/^\d{0,17}[\dX]?$/.test(text) || (text.length < 18 && text.indexOf("X") >= 0)) return {text: d.chars, ok: false};
    if (text.length < 18) return {text: fill(d.short, {n: text.length}), ok: false};
    var y = +text.substr(6, 4), m = +text.substr(10, 2), day = +text.substr(12, 2);
    var born = new Date(y, m - 1, day);
    if (born.getFullYear() !== y || born.getMonth() !== m - 1 || born.getDate() !== day || y < 1800 || born > new Date()) {
      return {text: fill(d.date, {text: text.substr(6, 8)}), ok: false};
    }
    var sum = 0;
    for (var i = 0; i < 17; i++) sum += (+text[i]) * WEIGHTS[i];
    var expected = CHECKS[sum % 11];
    if (text[17] !== expected) return {text: fill(d.check, {expected: expected}), ok: false};
    var male = (+text[16]) % 2 === 1;
    var iso = text.substr(6, 4) + "-" + text.substr(10, 2) + "-" + text.substr(12, 2);
    return {text: fill(d.ok, {birth: iso, gender: male ? d.male : d.female}), ok: true, birth: iso, gender: male ? "M" : "F"};
  }
  each("output[data-idcheck-for]", function (out) {
    var input = byId(out.dataset.idcheckFor);
    if (!input) return;
    var update = function () {
      var r = checkId(input.value, out);
      out.textContent = r.text;
      out.className = "id-check" + (r.text ? (r.ok ? " ok" : " bad") : "");
      if (!r.ok || !input.form) return;
      var gender = input.form.elements.gender, birth = input.form.elements.birth_date;
      if (gender && !gender.value) gender.value = r.gender;
      if (birth && !birth.value) birth.value = r.birth;
    };
    input.addEventListener("input", update);
    if (input.value) update();
  });
})();
