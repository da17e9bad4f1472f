{% load i18n %}/* The service worker of the care pages (docs/care.md, "离线走访 / offline"), served by
   care/views_offline.service_worker at {{ list|escapejs }}sw.js so that it controls the pages below
   {{ list|escapejs }}. It keeps, in one cache named after the static files' version:
   - the static files the visit list and the visit form need (cache first);
   - the visit list pages as last seen online (network first, the copy when offline);
   - the visit form without a person, shown for any item opened offline (offline.js fills it in).
   Nothing else is kept, and no request other than GET is touched: visits recorded offline wait
   in the page's IndexedDB queue (static/care/offline.js), never here. */
"use strict";
var CACHE = "{{ cache|escapejs }}";
var PREFIX = "{{ prefix|escapejs }}";
var ASSETS = [{% for a in assets %}"{{ a|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var LIST = "{{ list|escapejs }}";
var SHELL = "{{ shell|escapejs }}";
var RECORD = "{{ record_prefix|escapejs }}";
var OFFLINE = "{{ _('没有网络，且本机没有保存此页面。请返回走访名单。')|escapejs }}";

// Pages are kept by URL whatever the cookies and language they were fetched with.
var ANY = {ignoreVary: true};
var ANY_QUERY = {ignoreVary: true, ignoreSearch: true};

function own(url) { return url.origin === self.location.origin; }

// Keep `url` as fetched now with the visitor's cookies; a redirect (to the login page when the
// session has ended) or an error is never kept.
function keep(cache, url) {
  return fetch(url, {credentials: "same-origin", redirect: "manual", cache: "no-store"}).then(function (res) {
    if (res.ok && res.type === "basic") return cache.put(url, res);
  });
}

// The pages hold names and places of the visitor's subjects: dropped when the server says her
// session has ended. Visits waiting to be sent are kept (they are hers; sent after she logs in).
function forgetPages() {
  return caches.open(CACHE).then(function (cache) {
    return cache.keys().then(function (keys) {
      return Promise.all(keys.filter(function (req) {
        return ASSETS.indexOf(new URL(req.url).pathname) < 0;
      }).map(function (req) { return cache.delete(req); }));
    });
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(ASSETS).then(function () { return keep(cache, SHELL).catch(function () {}); });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n.indexOf(PREFIX) === 0 && n !== CACHE;
    }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

// The page asks for its list (and the form) to be kept: on its first load, before this worker
// controlled it, and after it cleared another person's data. Answers whether both are kept.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "prime") return;
  var urls = (data.urls || []).filter(function (u) { return own(new URL(u, self.location.href)); });
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.match(SHELL, ANY).then(function (hit) {
      var todo = urls.map(function (u) { return keep(cache, u); });
      if (!hit) todo.push(keep(cache, SHELL));
      return Promise.all(todo);
    }).then(function () {
      return Promise.all([cache.match(LIST, ANY_QUERY), cache.match(SHELL, ANY)]);
    });
  }).then(function (hits) {
    if (event.source) event.source.postMessage({type: "primed", ok: !!(hits[0] && hits[1])});
  }, function () {
    if (event.source) event.source.postMessage({type: "primed", ok: false});
  }));
});

function offlinePage() {
  return new Response("<!DOCTYPE html><meta charset=utf-8><meta name=viewport content=\"width=device-width\"><p>" +
    OFFLINE + "</p><p><a href=\"" + LIST + "\">" + LIST + "</a></p>",
    {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
}

function page(event) {
  var req = event.request, url = new URL(req.url);
  var isList = url.pathname === LIST;
  return fetch(req).then(function (res) {
    if (res.type === "opaqueredirect") {
      event.waitUntil(forgetPages());  // the session has ended: the login page follows
    } else if (isList && res.ok) {
      var copy = res.clone();
      event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.put(req.url, copy); }));
    }
    return res;
  }, function () {
    return caches.open(CACHE).then(function (cache) {
      if (isList) {
        return cache.match(req.url, ANY).then(function (hit) {
          return hit || cache.match(LIST, ANY_QUERY);
        });
      }
      if (url.pathname.indexOf(RECORD) === 0 && /^\d+\/visit\/$/.test(url.pathname.slice(RECORD.length))) {
        return cache.match(SHELL, ANY);
      }
      return null;
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
  } else if (req.mode === "navigate" && url.pathname.indexOf(LIST) === 0 && url.pathname !== LIST + "sw.js") {
    event.respondWith(page(event));
  }
});
