{% load i18n %}/* The service worker of an app's offline pages (docs/offline.md), served by the app's view
   through core/offline.service_worker so that it controls the pages below the app's prefix. It
   keeps, in one cache named after the static files' version:
   - the static files the offline pages need (cache first);
   - the app's list pages as last seen online (network first, the copy when offline);
   - the app's forms without a subject (shells), shown for any record page opened offline — the
     shell of the record as the phone's list names it (static/js/offline.js fills it in).
   Nothing else is kept, and no request other than GET is touched: forms saved offline wait in
   the page's IndexedDB queue, never here. */
"use strict";
var DB = "{{ db|escapejs }}";
var CACHE = "{{ cache|escapejs }}";
var PREFIX = "{{ prefix|escapejs }}";
var ASSETS = [{% for a in assets %}"{{ a|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var LISTS = [{% for r in lists %}new RegExp("{{ r|escapejs }}"){% if not forloop.last %}, {% endif %}{% endfor %}];
var RECORD_HEAD = "{{ record_head|escapejs }}", RECORD_TAIL = "{{ record_tail|escapejs }}";
var SHELL = "{{ shell|escapejs }}";
var HOME = "{{ home|escapejs }}";
var SCOPE = "{{ scope|escapejs }}", SELF = "{{ self|escapejs }}";
var OFFLINE = "{{ offline_text|escapejs }}";

// Pages are kept by URL whatever the cookies and language they were fetched with.
var ANY = {ignoreVary: true};
var ANY_QUERY = {ignoreVary: true, ignoreSearch: true};

function own(url) { return url.origin === self.location.origin; }
function isList(path) { return LISTS.some(function (r) { return r.test(path); }); }
// The id of a record form's path (RECORD_HEAD + id + RECORD_TAIL), or null.
function recordId(path) {
  if (path.indexOf(RECORD_HEAD) !== 0) return null;
  var rest = path.slice(RECORD_HEAD.length), cut = rest.indexOf("/");
  var id = rest.slice(0, cut);
  return /^\d+$/.test(id) && "/" + rest.slice(cut + 1) === RECORD_TAIL ? Number(id) : null;
}

// Keep `url` as fetched now with the user's cookies; a redirect (to the login page when the
// session has ended) or an error is never kept.
function keep(cache, url) {
  return fetch(url, {credentials: "same-origin", redirect: "manual", cache: "no-store"}).then(function (res) {
    if (res.ok && res.type === "basic") return cache.put(url, res);
  });
}

// The pages hold names and places of the user's subjects: dropped when the server says her
// session has ended. Forms waiting to be sent are kept (they are hers; sent after she logs in).
function forgetPages() {
  return caches.open(CACHE).then(function (cache) {
    return cache.keys().then(function (keys) {
      return Promise.all(keys.filter(function (req) {
        return ASSETS.indexOf(new URL(req.url).pathname) < 0;
      }).map(function (req) { return cache.delete(req); }));
    });
  });
}

// The shell the phone's list names for record `id` (the page keeps the list in IndexedDB with
// the same layout as static/js/offline.js makes it), else the app's default shell.
function shellOf(id) {
  return new Promise(function (ok) {
    var r = indexedDB.open(DB, 1);
    r.onupgradeneeded = function () {
      r.result.createObjectStore("meta");
      r.result.createObjectStore("items", {keyPath: "id"});
      r.result.createObjectStore("queue", {keyPath: "key"});
    };
    r.onerror = function () { ok(SHELL); };
    r.onsuccess = function () {
      var db = r.result;
      try {
        var get = db.transaction(["items"], "readonly").objectStore("items").get(id);
        get.onsuccess = function () { db.close(); ok(get.result && get.result.shell || SHELL); };
        get.onerror = function () { db.close(); ok(SHELL); };
      } catch (e) {
        db.close();
        ok(SHELL);
      }
    };
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(ASSETS).then(function () { return SHELL ? keep(cache, SHELL).catch(function () {}) : null; });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n.indexOf(PREFIX) === 0 && n !== CACHE;
    }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

// The page asks for pages to be kept: itself on its first load (before this worker controlled
// it) and after it cleared another person's data, and the shells its rows name. Answers whether
// all of them are kept.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "prime") return;
  var mine = function (u) { return own(new URL(u, self.location.href)); };
  var urls = (data.urls || []).filter(mine), shells = (data.shells || []).filter(mine);
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(shells.map(function (s) {
      return cache.match(s, ANY).then(function (hit) { return hit || keep(cache, s); });
    }).concat(urls.map(function (u) { return keep(cache, u); }))).then(function () {
      return Promise.all(urls.concat(shells).map(function (u) { return cache.match(u, ANY); }));
    });
  }).then(function (hits) {
    if (event.source) event.source.postMessage({type: "primed", ok: hits.every(Boolean)});
  }, function () {
    if (event.source) event.source.postMessage({type: "primed", ok: false});
  }));
});

function offlinePage() {
  return new Response("<!DOCTYPE html><meta charset=utf-8><meta name=viewport content=\"width=device-width\"><p>" +
    OFFLINE + "</p><p><a href=\"" + HOME + "\">" + HOME + "</a></p>",
    {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
}

function page(event, list, id) {
  var req = event.request, url = new URL(req.url);
  return fetch(req).then(function (res) {
    if (res.type === "opaqueredirect") {
      event.waitUntil(forgetPages());  // the session has ended: the login page follows
    } else if (list && res.ok) {
      var copy = res.clone();
      event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.put(req.url, copy); }));
    }
    return res;
  }, function () {
    return caches.open(CACHE).then(function (cache) {
      if (list) {
        return cache.match(req.url, ANY).then(function (hit) {
          return hit || cache.match(url.pathname, ANY_QUERY);
        });
      }
      if (id === null) return null;
      return shellOf(id).then(function (shell) { return shell ? cache.match(shell, ANY) : null; });
    }).then(function (hit) { return hit || offlinePage(); });
  });
}

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") return;
  var url = new URL(req.url);
  if (!own(url)) return;
  if (ASSETS.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(req, ANY_QUERY).then(function (hit) { return hit || fetch(req); }));
    return;
  }
  // Every page below the scope: offline, a page not kept answers with a way back.
  if (req.mode !== "navigate" || url.pathname.indexOf(SCOPE) !== 0 || url.pathname === SELF) return;
  var list = isList(url.pathname);
  event.respondWith(page(event, list, list ? null : recordId(url.pathname)));
});
