/* Visits without a network (docs/care.md, "离线走访 / offline"), on the visit list and the visit
   form (templates/care/offline_bar.html carries the settings and every text shown).

   - Registers the care service worker (templates/care/sw.js), which keeps the list page, the
     visit form without a person and the static files.
   - Keeps the month's list in this phone's IndexedDB ("gongzhi-care": items), so the form of
     any item opens offline and is filled in from it.
   - A visit saved without a network goes to the queue (store "queue"), keyed by the client key
     the form carries, and is sent when the network returns — on the "online" event, on the
     next load of a care page, or with the 同步 button — through the visit form's own POST,
     asking for JSON (care/views_offline.py). The server stores a key once, so a visit sent
     twice is kept once.
   - A conflict (the item was done meanwhile, given to someone else, the person left, the item
     is no longer hers) comes back with the server's version and stays on the phone until she
     discards her copy or keeps it as a visit of its own; nothing on the server is overwritten.
   - The data belongs to the user who saved it: another user's data found here is deleted, and
     logging out deletes it all (static/js/gongzhi.js). */
(function () {
  "use strict";
  var bar = document.querySelector("[data-care-offline]");
  if (!bar || !window.indexedDB || !window.fetch) return;
  var d = bar.dataset, user = d.user, DB = "gongzhi-care", FLASH = "gongzhi-care-flash";
  var PENDING = "gongzhi-care-pending";  // read by the logout button (static/js/gongzhi.js)
  var form = document.querySelector("form[data-visit-form]");
  var subject = document.getElementById("care-subject");
  var shell = !!(subject && subject.hasAttribute("data-shell"));
  var listed = document.querySelector(".care-list[data-month]");
  var csrf = null;

  function $(id) { return document.getElementById(id); }
  function t(name, values) {
    var text = d["t" + name.charAt(0).toUpperCase() + name.slice(1)] || "";
    Object.keys(values || {}).forEach(function (k) { text = text.split("%(" + k + ")s").join(values[k]); });
    return text;
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ---- IndexedDB: meta (owner), items (the month's list), queue (visits waiting) ----------
  function done(r) {
    return new Promise(function (ok, fail) {
      r.onsuccess = function () { ok(r.result); };
      r.onerror = function () { fail(r.error); };
    });
  }
  function openDb() {
    var r = indexedDB.open(DB, 1);
    r.onupgradeneeded = function () {
      var db = r.result;
      db.createObjectStore("meta");
      db.createObjectStore("items", {keyPath: "id"});
      db.createObjectStore("queue", {keyPath: "key"});
    };
    return done(r);
  }
  // Run fn(stores) in one transaction; resolves, once committed, with the result of the
  // request fn returned. The connection is closed at once, so logging out can delete the base.
  async function run(names, mode, fn) {
    var db = await openDb();
    try {
      var tx = db.transaction(names, mode), stores = {};
      names.forEach(function (n) { stores[n] = tx.objectStore(n); });
      var r = fn(stores);
      await new Promise(function (ok, fail) {
        tx.oncomplete = ok;
        tx.onerror = tx.onabort = function () { fail(tx.error); };
      });
      return r ? r.result : undefined;
    } finally {
      db.close();
    }
  }
  function queue() {
    return run(["queue"], "readonly", function (s) { return s.queue.getAll(); }).then(function (all) {
      return all.filter(function (e) { return e.user === user; }).sort(function (a, b) { return a.saved - b.saved; });
    });
  }
  function putEntry(entry) { return run(["queue"], "readwrite", function (s) { return s.queue.put(entry); }); }
  function dropEntry(entry) { return run(["queue"], "readwrite", function (s) { return s.queue.delete(entry.key); }); }

  // The phone's data is one user's: another's (a session that ended without logging out) is
  // deleted — her list, her queue (it cannot be sent under this login) and the kept pages.
  async function claim() {
    var owner = await run(["meta"], "readonly", function (s) { return s.meta.get("owner"); });
    if (owner === user) return false;
    await run(["meta", "items", "queue"], "readwrite", function (s) {
      s.items.clear();
      s.queue.clear();
      return s.meta.put(user, "owner");
    });
    if (owner !== undefined && window.caches) {
      var cache = await caches.open(d.cache), keys = await cache.keys();
      await Promise.all(keys.filter(function (req) {
        return new URL(req.url).pathname.indexOf("/static/") !== 0;
      }).map(function (req) { return cache.delete(req); }));
    }
    return owner !== undefined;
  }

  // The month's list as shown (unfiltered lists only): what each item's form needs offline.
  function keepList() {
    var rows = Array.prototype.map.call(listed.querySelectorAll("li[data-item]"), function (li) {
      var x = li.dataset;
      return {id: Number(x.item), name: x.name, reason: x.reason, place: x.place, phone: x.phone, due: x.due, status: x.status};
    });
    return run(["items", "meta"], "readwrite", function (s) {
      s.items.clear();
      rows.forEach(function (row) { s.items.put(row); });
      return s.meta.put(listed.dataset.month, "month");
    });
  }

  // ---- what the page shows ----------------------------------------------------------------
  var state = {worker: false, list: false};
  function showState() {
    var out = $("care-offline-state");
    if (!navigator.onLine) out.textContent = t("offline");
    else out.textContent = state.worker && (state.list || !listed) ? t("ready") : "";
  }
  function log(text, kind) {
    var li = el("li", kind || "", text);
    $("care-sync-log").appendChild(li);
  }
  function rows(dl, pairs) {
    pairs.forEach(function (p) {
      if (!p[1]) return;
      dl.appendChild(el("dt", "", p[0]));
      dl.appendChild(el("dd", "", p[1]));
    });
  }
  function conflictCard(entry) {
    var card = el("div", "care-conflict");
    card.setAttribute("data-conflict", entry.key);
    card.appendChild(el("strong", "", entry.name));
    card.appendChild(el("p", "", entry.conflict.message));
    if (entry.conflict.server && entry.conflict.server.length) {
      card.appendChild(el("div", "muted", t("server")));
      var theirs = el("dl");
      rows(theirs, entry.conflict.server);
      card.appendChild(theirs);
    }
    card.appendChild(el("div", "muted", t("yours")));
    var mine = el("dl");
    rows(mine, [[t("visitedAt"), (entry.fields.visited_at || "").replace("T", " ")],
      [t("condition"), entry.fields.condition], [t("needs"), entry.fields.needs]]);
    card.appendChild(mine);
    var actions = el("div", "actions");
    var discard = el("button", "btn small danger", t("discard"));
    discard.type = "button";
    discard.addEventListener("click", function () { dropEntry(entry).then(show); });
    actions.appendChild(discard);
    if (entry.mayKeep) {
      var keep = el("button", "btn small primary", t("keep"));
      keep.type = "button";
      keep.addEventListener("click", function () {
        entry.keep = true;
        entry.state = "waiting";
        putEntry(entry).then(function () { return sync(true); });
      });
      actions.appendChild(keep);
    }
    card.appendChild(actions);
    return card;
  }
  async function show() {
    var all = await queue();
    var waiting = all.filter(function (e) { return e.state === "waiting"; });
    var pending = $("care-pending");
    pending.textContent = waiting.length ? t("pending", {n: waiting.length}) : t("none");
    pending.setAttribute("data-count", waiting.length);
    $("care-sync").hidden = !waiting.length;
    try { localStorage.setItem(PENDING, String(all.length)); } catch (e) { /* private mode */ }
    var box = $("care-conflicts");
    box.textContent = "";
    all.filter(function (e) { return e.state !== "waiting"; }).forEach(function (e) { box.appendChild(conflictCard(e)); });
    if (listed) {
      var queued = {};
      all.forEach(function (e) { queued[e.item] = true; });
      Array.prototype.forEach.call(listed.querySelectorAll("li[data-item]"), function (li) {
        var tag = li.querySelector(".care-queued");
        if (queued[li.dataset.item] && !tag) {
          li.querySelector(".who").appendChild(el("span", "tag warn care-queued", t("queued")));
        } else if (!queued[li.dataset.item] && tag) {
          tag.remove();
        }
      });
    }
    showState();
  }

  // ---- sending the queue ------------------------------------------------------------------
  function token() {
    if (csrf) return csrf;
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  // A page kept offline may carry a token of an earlier login: fetch a fresh one once.
  async function freshToken() {
    try {
      var res = await fetch(d.list, {credentials: "same-origin", cache: "no-store"});
      var page = new DOMParser().parseFromString(await res.text(), "text/html");
      var input = page.querySelector("input[name=csrfmiddlewaretoken]");
      csrf = input ? input.value : null;
      return !res.redirected && !!csrf;
    } catch (e) {
      return false;
    }
  }
  function firstError(errors) {
    var keys = Object.keys(errors || {});
    return keys.length ? errors[keys[0]][0] : "";
  }

  // Send one entry. Answers "ok", "conflict", or "stop" (no network, logged out, server error:
  // the rest of the queue waits for the next try).
  async function send(entry, retried) {
    var body = new FormData();
    Object.keys(entry.fields).forEach(function (k) { body.append(k, entry.fields[k]); });
    (entry.photos || []).forEach(function (p) { body.append("photos", p, p.name || "photo"); });
    if (entry.keep) body.append("as_note", "1");
    var res;
    try {
      res = await fetch(d.record.replace("/0/", "/" + entry.item + "/"), {
        method: "POST", body: body, credentials: "same-origin",
        headers: {"Accept": "application/json", "X-CSRFToken": token()},
      });
    } catch (e) {
      log(t("failed"), "invalid");
      return "stop";
    }
    if ((res.headers.get("Content-Type") || "").indexOf("application/json") < 0) {
      if (res.redirected) { log(t("login"), "invalid"); return "stop"; }
      if (res.status === 403 && !retried && await freshToken()) return send(entry, true);
      log(t("error"), "invalid");
      return "stop";
    }
    var data = await res.json();
    if (res.ok) {
      await dropEntry(entry);
      markDone(entry, data.url);
      log(t(data.result === "duplicate" ? "duplicate" : "stored", {name: entry.name}), "ok");
      return "ok";
    }
    if (data.result === "conflict" || data.result === "invalid") {
      var message = data.result === "conflict" ? data.conflict.message : firstError(data.errors);
      entry.state = data.result;
      entry.conflict = data.result === "conflict" ? data.conflict : {message: message, server: []};
      entry.mayKeep = !!data.may_keep;
      await putEntry(entry);
      log(t(data.result, {name: entry.name, message: message}), data.result);
      return "conflict";
    }
    log(data.message || t("error"), "invalid");
    return "stop";
  }

  var syncing = null;
  function sync(asked) {
    if (!syncing) syncing = sendAll(asked).finally(function () { syncing = null; });
    return syncing;
  }
  async function sendAll(asked) {
    var waiting = (await queue()).filter(function (e) { return e.state === "waiting"; });
    if (!waiting.length) return show();
    if (!navigator.onLine) {
      if (asked) log(t("failed"), "invalid");
      return show();
    }
    var ok = 0, conflicts = 0;
    for (var i = 0; i < waiting.length; i++) {
      var outcome = await send(waiting[i]);
      if (outcome === "stop") break;
      if (outcome === "ok") ok++; else conflicts++;
    }
    if (ok || conflicts) log(t("synced", {ok: ok, conflicts: conflicts}), conflicts ? "conflict" : "ok");
    await show();
  }

  // The list shows an item just completed by a sent visit as done, with the link to the visit.
  function markDone(entry, url) {
    var li = listed && listed.querySelector('li[data-item="' + entry.item + '"]');
    if (!li || entry.keep) return;
    li.classList.remove("overdue");
    li.classList.add("done");
    li.setAttribute("data-status", "done");
    var link = li.querySelector("a.btn.primary");
    if (link) {
      link.href = url;
      link.className = "btn small";
      link.textContent = t("view");
    }
  }

  // ---- the visit form ---------------------------------------------------------------------
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  // Now in the server's time zone, as the form's datetime-local field takes it.
  function serverNow() {
    return new Date(Date.now() + Number(d.tzOffset || 0) * 60000).toISOString().slice(0, 16);
  }
  function itemId() {
    if (form.dataset.item) return Number(form.dataset.item);
    var m = /\/item\/(\d+)\/visit\/$/.exec(location.pathname);
    return m ? Number(m[1]) : null;
  }
  async function fillShell() {
    var id = itemId();
    var item = id === null ? null : await run(["items"], "readonly", function (s) { return s.items.get(id); });
    if (!item) {
      $("care-offline-state").textContent = t("noItem");
      form.querySelector("button[type=submit]").disabled = true;
      return;
    }
    ["name", "reason", "place", "phone", "due"].forEach(function (k) {
      var out = subject.querySelector("[data-subject=" + k + "]");
      if (out) out.textContent = item[k] || "";
    });
    subject.dataset.name = item.name;
    subject.hidden = false;
    form.querySelector("[name=client_key]").value = newKey();
    form.querySelector("[name=visited_at]").value = serverNow();
  }
  async function enqueue() {
    var fields = {}, photos = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return;
      if (name === "photos") { if (value && value.size) photos.push(value); } else fields[name] = value;
    });
    if (!fields.client_key) fields.client_key = form.querySelector("[name=client_key]").value = newKey();
    var name = subject ? subject.dataset.name : "";
    await putEntry({key: fields.client_key, item: itemId(), user: user, name: name, fields: fields,
      photos: photos, state: "waiting", saved: Date.now()});
    sessionStorage.setItem(FLASH, JSON.stringify([t("saved", {name: name})]));
    location.href = d.list;
  }
  if (form) {
    if (shell) fillShell();
    form.addEventListener("submit", function (event) {
      if (!shell && navigator.onLine) return;  // online: the form posts as it always does
      event.preventDefault();
      enqueue();
    });
  }

  // ---- start ------------------------------------------------------------------------------
  async function start() {
    var flash = sessionStorage.getItem(FLASH);
    if (flash) {
      sessionStorage.removeItem(FLASH);
      JSON.parse(flash).forEach(function (line) { log(line, "ok"); });
    }
    if (!navigator.onLine) {  // a kept copy: its messages are from an earlier visit
      Array.prototype.forEach.call(document.querySelectorAll(".messages"), function (m) { m.hidden = true; });
    }
    var wiped = await claim();
    if (listed && listed.hasAttribute("data-keep") && navigator.onLine) {
      await keepList();
      state.list = true;
    }
    await show();
    $("care-sync").addEventListener("click", function () { sync(true); });
    window.addEventListener("online", function () { showState(); sync(false); });
    window.addEventListener("offline", showState);
    if (navigator.onLine) sync(false);
    // Offline the worker's script cannot be fetched: the one registered before goes on working.
    if (!("serviceWorker" in navigator) || !navigator.onLine) return;
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "primed") {
        state.worker = event.data.ok;
        bar.toggleAttribute("data-offline-ready", !!event.data.ok);
        showState();
      }
    });
    var controlled = !!navigator.serviceWorker.controller;
    await navigator.serviceWorker.register(d.sw, {scope: d.scope});
    var registration = await navigator.serviceWorker.ready;
    // On the first load the worker did not see this page go by; after a wipe it was deleted.
    var urls = listed && state.list && (!controlled || wiped) ? [location.href] : [];
    registration.active.postMessage({type: "prime", urls: urls});
  }
  start().catch(function (e) { $("care-offline-state").textContent = String(e); });
})();
