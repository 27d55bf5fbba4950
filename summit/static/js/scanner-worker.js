// Service worker of the door scanner (served as /events/<slug>/checkin/scanner-worker.js,
// so its scope covers the scanner pages). It only makes the page itself open again
// without network: the page and our static files come from the network when it answers
// within a few seconds, else from the cache the page filled (scanner/offline.js). The
// check-in API is never touched here; the page handles being offline itself.
"use strict";

// The cache of this release's files. The server writes the release (a hash of all our
// static files) into this line as it serves the worker: a deploy changes the worker,
// the browser installs it at the next visit, and it drops older releases' caches.
var CACHE = "summit-scanner-RELEASE";
var WAIT_MS = 4000;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("summit-scanner-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function fromNetwork(request) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timeout")); }, WAIT_MS);
    fetch(request).then(function (response) {
      clearTimeout(timer);
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
    fromNetwork(request).catch(function () {
      return caches.match(key).then(function (cached) { return cached || Response.error(); });
    })
  );
});
