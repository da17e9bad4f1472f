/* Field work without a network (docs/offline.md), on an app's list and form pages
   (templates/core/offline/bar.html carries the settings and every text shown).

   - Registers the app's service worker (templates/core/offline/sw.js), which keeps the list
     pages, the forms without a subject (shells) and the static files.
   - Keeps the list's rows in this phone's IndexedDB (base `data-key`: items), so the form of any
     row opens offline and is filled in from it.
   - A form saved without a network goes to the queue (store "queue"), keyed by the client key
     the form carries, and is sent when the network returns — on the "online" event, on the next
     load of one of the app's pages, or with the 同步 button — through the form's own POST,
     asking for JSON (core/offline.py). The server stores a key once, so a form sent twice is
     kept once.
   - A conflict (the record changed meanwhile, given to someone else, no longer hers) comes back
     with the server's version and stays on the phone until she discards her copy or, where the
     app allows it, keeps hers; nothing on the server is overwritten without her choice.
   - The data belongs to the user who saved it: another user's data found here is deleted, and
     logging out deletes it all (static/js/gongzhi.js).

   The page's parts: the list `[data-offline-list="<key>"][data-keep]` of `li[data-item]` rows
   (every data-* attribute of a row is kept; `data-shell` names the row's shell), the form
   `form[data-offline-form]`, the subject card `#offline-subject` (`[data-subject=<name>]` filled
   from the row; `data-shell` on the kept shell), inputs `[data-from-item=<name>]` filled from the
   row, `[data-offline-key]` given a new client key and `[data-offline-now]` the server's time;
   in a row, `[data-from-answer=<name>]` shows that field of the server's answer once the row's
   queued form is stored (e.g. its status label); the answer's `item` goes into the row and the
   row kept here (e.g. the record's new version), its `page` into the page's elements by id
   (e.g. a counter of records done). */
(function () {
  "use strict";
  var bar = document.querySelector("[data-offline]");
  if (!bar || !window.indexedDB || !window.fetch) return;
  var d = bar.dataset, user = d.user, DB = d.key, FLASH = d.key + "-flash";
  var PENDING = d.key + "-pending";  // read by the logout button (static/js/gongzhi.js)
  var BASES = "gongzhi-offline-bases";  // the bases logging out deletes (static/js/gongzhi.js)
  var form = document.querySelector("form[data-offline-form]");
  var subject = document.getElementById("offline-subject");
  var shell = !!(subject && subject.hasAttribute("data-shell"));
  var listed = document.querySelector("[data-offline-list]");
  var csrf = null;

  function $(id) { return document.getElementById(id); }
  function t(name, values) {
    var key = "t" + name.replace(/(^|-)([a-z])/g, function (m, dash, c) { return c.toUpperCase(); });
    var text = d[key] || "";
    Object.keys(values || {}).forEach(function (k) { text = text.split("%(" + k + ")s").join(values[k]); });
    return text;
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function each(selector, fn, root) { Array.prototype.forEach.call((root || document).querySelectorAll(selector), fn); }
  function remember() {
    try {
      var bases = JSON.parse(localStorage.getItem(BASES) || "[]");
      if (bases.indexOf(DB) < 0) localStorage.setItem(BASES, JSON.stringify(bases.concat([DB])));
    } catch (e) { /* private mode */ }
  }

  // ---- IndexedDB: meta (owner), items (the lists' rows), queue (forms waiting) --------------
  // The same layout is opened by the service worker to find a row's shell (core/offline/sw.js).
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
  // A stored form leaves the queue, and in the same transaction the row kept for its record
  // takes the record's data as the server answers it (`item`, e.g. a campaign household's new
  // version): the next form filled offline from that row is checked against what the server
  // has now, not taken for one made on an older copy.
  function settle(entry, item) {
    return run(["queue", "items"], "readwrite", function (s) {
      s.queue.delete(entry.key);
      if (!item) return;
      var get = s.items.get(entry.item);
      get.onsuccess = function () {
        var row = get.result;
        if (!row) return;
        Object.keys(item).forEach(function (k) { row[k] = item[k]; });
        s.items.put(row);
      };
    });
  }

  // The phone's data is one user's: another's (a session that ended without logging out) is
  // deleted — her lists, her queue (it cannot be sent under this login) and the kept pages.
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

  // The list as shown (unfiltered lists only): what each row's form needs offline. The rows of
  // this list replace the ones kept from it before; rows of the app's other lists stay.
  function listRows() {
    var key = listed.dataset.offlineList;
    return Array.prototype.map.call(listed.querySelectorAll("li[data-item]"), function (li) {
      var row = Object.assign({}, li.dataset);
      row.id = Number(row.item);
      row.list = key;
      row.shell = row.shell || d.shell;
      return row;
    });
  }
  function keepList(rows) {
    var key = listed.dataset.offlineList;
    return run(["items"], "readwrite", function (s) {
      var cursor = s.items.openCursor();
      cursor.onsuccess = function () {
        var c = cursor.result;
        if (c) {
          if (c.value.list === key) c.delete();
          c.continue();
        } else {
          rows.forEach(function (row) { s.items.put(row); });
        }
      };
    });
  }

  // ---- what the page shows ----------------------------------------------------------------
  var state = {worker: false, list: false};
  function showState() {
    var out = $("offline-state");
    if (!navigator.onLine) out.textContent = t("offline");
    else out.textContent = state.worker && (state.list || !listed) ? t("ready") : "";
  }
  function log(text, kind) { $("offline-sync-log").appendChild(el("li", kind || "", text)); }
  function rows(dl, pairs) {
    pairs.forEach(function (p) {
      if (!p[1]) return;
      dl.appendChild(el("dt", "", p[0]));
      dl.appendChild(el("dd", "", p[1]));
    });
  }
  function conflictCard(entry) {
    var card = el("div", "offline-conflict");
    card.setAttribute("data-conflict", entry.key);
    card.appendChild(el("strong", "", entry.name));
    card.appendChild(el("p", "", entry.conflict.message));
    if (entry.conflict.server && entry.conflict.server.length) {
      card.appendChild(el("div", "muted", t("server")));
      var theirs = el("dl");
      rows(theirs, entry.conflict.server);
      card.appendChild(theirs);
    }
    if (entry.summary && entry.summary.length) {
      card.appendChild(el("div", "muted", t("yours")));
      var mine = el("dl");
      rows(mine, entry.summary);
      card.appendChild(mine);
    }
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
    var pending = $("offline-pending");
    pending.textContent = waiting.length ? t("pending", {n: waiting.length}) : t("none");
    pending.setAttribute("data-count", waiting.length);
    $("offline-sync").hidden = !waiting.length;
    try { localStorage.setItem(PENDING, String(all.length)); } catch (e) { /* private mode */ }
    var box = $("offline-conflicts");
    box.textContent = "";
    all.filter(function (e) { return e.state !== "waiting"; }).forEach(function (e) { box.appendChild(conflictCard(e)); });
    if (listed) {
      var queued = {};
      all.forEach(function (e) { queued[e.item] = true; });
      each("li[data-item]", function (li) {
        var tag = li.querySelector(".offline-queued");
        if (queued[li.dataset.item] && !tag) {
          li.querySelector(".who").appendChild(el("span", "tag warn offline-queued", t("queued")));
        } else if (!queued[li.dataset.item] && tag) {
          tag.remove();
        }
      }, listed);
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
      var res = await fetch(d.home, {credentials: "same-origin", cache: "no-store"});
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
  function recordUrl(id) { return d.record.replace("/0/", "/" + id + "/"); }

  // Send one entry. Answers "ok", "conflict", or "stop" (no network, logged out, server error:
  // the rest of the queue waits for the next try).
  async function send(entry, retried) {
    var body = new FormData();
    Object.keys(entry.fields).forEach(function (k) { body.append(k, entry.fields[k]); });
    (entry.files || []).forEach(function (f) { body.append(f.field, f.file, f.file.name || "photo"); });
    (entry.photos || []).forEach(function (p) { body.append("photos", p, p.name || "photo"); });  // kept before 2026-12
    if (entry.keep) body.append("keep", "1");
    var res;
    try {
      res = await fetch(recordUrl(entry.item), {
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
      await settle(entry, data.item);
      markDone(entry, data);
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

  // The list shows a row just completed by a sent form as done, with the link to the record.
  // An answer naming the record's state (`status`, `label`: core/offline.py stored) is shown as
  // the server has it — its status in the row's data-status and in place of the class named by
  // the old one, its label in the row's `[data-from-answer=label]`, its `item` in the row's
  // data-*. Without it, a form kept beside another record (keep) leaves the row as it was. The
  // figures the answer gives (`page`: text by element id, e.g. a counter of records done) are
  // shown wherever this page has them, as the server counts them.
  function markDone(entry, data) {
    var figures = data.page || {};
    Object.keys(figures).forEach(function (id) {
      var node = $(id);
      if (node) node.textContent = figures[id];
    });
    var li = listed && listed.querySelector('li[data-item="' + entry.item + '"]');
    if (!li || (entry.keep && !data.status)) return;
    li.classList.remove("overdue");
    if (data.status && li.dataset.status) li.classList.remove(li.dataset.status);
    li.classList.add("done");
    if (data.status) li.classList.add(data.status);
    li.setAttribute("data-status", data.status || "done");
    Object.keys(data.item || {}).forEach(function (k) { li.setAttribute("data-" + k, data.item[k]); });
    each("[data-from-answer]", function (node) {
      var value = data[node.dataset.fromAnswer];
      if (value !== undefined && value !== null) node.textContent = value;
    }, li);
    var link = li.querySelector("a.btn.primary");
    if (link && data.url) {
      link.href = data.url;
      link.className = "btn small";
      link.textContent = t("view");
    }
  }

  // ---- the form ---------------------------------------------------------------------------
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  // Now in the server's time zone, as a datetime-local field takes it.
  function serverNow() {
    return new Date(Date.now() + Number(d.tzOffset || 0) * 60000).toISOString().slice(0, 16);
  }
  function itemId() {
    if (form.dataset.item) return Number(form.dataset.item);
    var cut = d.record.split("/0/"), path = location.pathname;
    if (path.indexOf(cut[0] + "/") !== 0) return null;
    var rest = path.slice(cut[0].length + 1), id = rest.slice(0, rest.indexOf("/"));
    return /^\d+$/.test(id) && rest.slice(id.length + 1) === cut[1] ? Number(id) : null;
  }
  async function fillShell() {
    var id = itemId();
    var item = id === null ? null : await run(["items"], "readonly", function (s) { return s.items.get(id); });
    if (!item) {
      $("offline-state").textContent = t("no-item");
      each("button[type=submit]", function (b) { b.disabled = true; }, form);
      return;
    }
    each("[data-subject]", function (out) { out.textContent = item[out.dataset.subject] || ""; }, subject);
    subject.dataset.name = item.name || "";
    subject.hidden = false;
    each("[data-from-item]", function (input) { input.value = item[input.dataset.fromItem] || ""; }, form);
    each("[data-offline-key]", function (input) { input.value = newKey(); }, form);
    each("[data-offline-now]", function (input) { input.value = serverNow(); }, form);
  }
  // What she entered, as label/value pairs: shown beside the server's version on a conflict.
  function summary(submitter) {
    var pairs = [];
    each("[name]", function (input) {
      if (input.tagName === "BUTTON" || input.type === "hidden" || input.type === "file") return;
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) return;
      var box = input.closest(".field"), first = box && box.querySelector("label");
      // The field's label, first line, without the mark of a required field.
      var text = first ? first.textContent.trim().split("\n")[0].replace(/\s*\*$/, "") : input.name;
      var value = input.value;
      if (input.tagName === "SELECT") {
        value = (input.selectedOptions[0] || {}).text || "";
      } else if (input.type === "checkbox" && input.closest("label") === first) {
        value = "✓";  // a lone checkbox: its label is the field's
      } else if (input.type === "radio" || input.type === "checkbox") {
        var own = input.id && form.querySelector('label[for="' + input.id + '"]');
        value = own ? own.textContent.trim() : input.value;
      }
      if (value) pairs.push([text, String(value).trim().replace("T", " ")]);
    }, form);
    if (submitter && submitter.name) pairs.push([submitter.dataset.offlineLabel || "", submitter.textContent.trim()]);
    return pairs;
  }
  async function enqueue(submitter) {
    var fields = {}, files = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return;
      if (value instanceof Blob) { if (value.size) files.push({field: name, file: value}); } else fields[name] = value;
    });
    if (submitter && submitter.name) fields[submitter.name] = submitter.value;
    // A form opened online and saved offline: the time she saved it, not the time it arrives.
    each("[data-offline-now]", function (input) { if (!fields[input.name]) fields[input.name] = serverNow(); }, form);
    var keyInput = form.querySelector("[name=client_key]");
    if (!fields.client_key) fields.client_key = keyInput.value = newKey();
    var name = subject ? subject.dataset.name : "";
    await putEntry({key: fields.client_key, item: itemId(), user: user, name: name, fields: fields,
      files: files, summary: summary(submitter), state: "waiting", saved: Date.now()});
    sessionStorage.setItem(FLASH, JSON.stringify([t("saved", {name: name})]));
    location.href = form.dataset.back || d.home;
  }
  if (form) {
    if (shell) fillShell();
    form.addEventListener("submit", function (event) {
      if (!shell && navigator.onLine) return;  // online: the form posts as it always does
      event.preventDefault();
      enqueue(event.submitter);
    });
  }

  // ---- start ------------------------------------------------------------------------------
  async function start() {
    remember();
    var flash = sessionStorage.getItem(FLASH);
    if (flash) {
      sessionStorage.removeItem(FLASH);
      JSON.parse(flash).forEach(function (line) { log(line, "ok"); });
    }
    if (!navigator.onLine) {  // a kept copy: its messages are from an earlier visit
      each(".messages", function (m) { m.hidden = true; });
    }
    var wiped = await claim();
    var shells = [];
    if (listed && listed.hasAttribute("data-keep") && navigator.onLine) {
      var found = listRows();
      await keepList(found);
      state.list = true;
      found.forEach(function (row) { if (row.shell && shells.indexOf(row.shell) < 0) shells.push(row.shell); });
    }
    await show();
    $("offline-sync").addEventListener("click", function () { sync(true); });
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
    var urls = state.list && (!controlled || wiped) ? [location.href] : [];
    registration.active.postMessage({type: "prime", urls: urls, shells: shells});
  }
  start().catch(function (e) { $("offline-state").textContent = String(e); });
})();
