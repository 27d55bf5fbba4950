// Service worker of the door scanner (served as /events/<slug>/checkin/scanner-worker.js,
// so its scope covers the scanner pages). It only makes the page itself open again
// without network: the page and our static files come from the network when it answers
// within a few seconds, else from the cache the page filled. The check-in API is never
// touched here; the page handles being offline itself.
"use strict";

var CACHE = "summit-scanner-v1"; // the cache the page fills (scanner/offline.js)
var WAIT_MS = 4000;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function fromNetwork(request, key) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timeout")); }, WAIT_MS);
    fetch(request).then(function (response) {
      clearTimeout(timer);
      if (response.ok && response.type === "basic") {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { return cache.put(key, copy); }).catch(function () {});
      }
      resolve(response);
    }, function (error) {
      clearTimeout(timer);
      reject(error);
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var scope = new URL(self.registration.scope).pathname;
  var page = request.mode === "navigate" && url.pathname.indexOf(scope) === 0;
  var asset = url.pathname.indexOf("/static/") === 0;
  if (!page && !asset) return;
  var key = url.origin + url.pathname; // the fragment never arrives; queries don't matter here
  event.respondWith(
    fromNetwork(request, key).catch(function () {
      return caches.match(key).then(function (cached) { return cached || Response.error(); });
    })
  );
});
