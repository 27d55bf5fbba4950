// Working without network. The phone keeps a list of the event's tickets (hashes of
// their codes, never the codes) and judges scans from it when the server cannot be
// reached; what it let in waits in a queue, uploaded when the network returns, and
// the server's word on each (a conflict with another door) becomes a notice. A service
// worker keeps the page itself, so that it opens again offline.
import { config, noop, SECRET, T, t } from "./page.js";
import { save, state } from "./store.js";
import { api, Offline } from "./api.js";
import { clock, notice, renderStatus, renderUndo } from "./status.js";
import { showVerdict, verdictFor } from "./verdict.js";

var RETRY_ONLINE_MS = 10000, LIST_EVERY_MS = 3 * 60 * 1000, SYNC_EVERY_MS = 3000;

export function setOnline(online) {
  if (!online) state.lastFailure = Date.now();
  if (state.online !== online) {
    state.online = online;
    renderStatus();
    if (online) sync();
  }
}

// Don't make a door wait for a network known to be gone: after a failure, scans are
// judged on the phone until a probe (or a request) gets through again.
export function likelyOffline() {
  return navigator.onLine === false ||
    (!state.online && (state.syncing || Date.now() - state.lastFailure < RETRY_ONLINE_MS));
}

export function sha256(text) {
  if (!window.crypto || !window.crypto.subtle) return Promise.reject(new Error("no subtle crypto"));
  return window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return (b + 256).toString(16).slice(1);
    }).join("");
  });
}

// What the server told us about a ticket since the list was made.
export function remember(hash, fact) {
  fact.recorded = Date.now();
  state.recent[hash] = fact;
  save("recent", state.recent);
}

// Offline verdicts -------------------------------------------------------------------------

function stateOf(hash, entry) {
  var pending = state.queue.filter(function (item) { return item.hash === hash; })[0];
  if (pending) return { state: "already_checked_in", at: pending.scanned_at, station: state.door && state.door.door };
  return state.recent[hash] || { state: entry[3], at: entry[4], station: entry[5] };
}

// The verdict from the downloaded list, and the scan queued for upload.
export function judgeOffline(code, scanNonce, scannedAt) {
  var list = state.offlineList;
  var offlineNote = list ? t("checked_offline", { time: clock(list.fetched_at) }) : "";
  if (!list) {
    showVerdict({ tone: "bad", reason: "no_list", title: T.error, why: T.why_no_list, offline: T.offline });
    return Promise.resolve();
  }
  if (!SECRET.test(code)) {
    showVerdict({ tone: "bad", reason: "unknown", title: T.unknown, why: T.why_unknown_offline, offline: offlineNote });
    return Promise.resolve();
  }
  return sha256(code).then(function (hash) {
    var entry = list.entries[hash];
    if (!entry) {
      showVerdict({ tone: "bad", reason: "unknown", title: T.unknown, why: T.why_unknown_offline, offline: offlineNote });
      return;
    }
    var now = stateOf(hash, entry);
    var attendee = { name: entry[0], organisation: entry[1], ticket_type: entry[2] };
    var reason = now.state === "ok" ? null : now.state;
    if (!reason) {
      state.queue.push({ secret: code, nonce: scanNonce, scanned_at: scannedAt, hash: hash, name: entry[0] });
      save("queue", state.queue);
      state.lastCheckin = { secret: code, nonce: scanNonce, name: entry[0], queued: true };
      renderUndo();
      renderStatus();
    }
    var v = verdictFor(reason, attendee, now.at, now.station);
    v.offline = offlineNote;
    // Badges are printed only from the server's answer: say so at a printing station.
    if (!reason && state.door && state.door.prints_badges) v.badgeOffline = true;
    showVerdict(v);
  }, function () {
    showVerdict({ tone: "bad", reason: "no_list", title: T.error, why: T.why_no_list, offline: T.offline });
  });
}

// Taking a scan out of the queue before it was uploaded: the whole undo. True if it was there.
export function unqueue(scanNonce) {
  var before = state.queue.length;
  state.queue = state.queue.filter(function (item) { return item.nonce !== scanNonce; });
  if (state.queue.length === before) return false;
  save("queue", state.queue);
  renderStatus();
  return true;
}

// Sync: upload the queue, keep the offline list fresh ----------------------------------

function loadDoor() {
  return api("GET", "/door", null, 6000).then(function (answer) {
    if (answer.status !== 200) throw new Offline("door " + answer.status);
    state.door = answer.data;
    save("door", state.door);
    setOnline(true);
    renderStatus();
  });
}

function upload() {
  if (!state.queue.length) return Promise.resolve();
  var batch = state.queue.slice(0, 500);
  return api("POST", "/batch", {
    scans: batch.map(function (item) {
      return { secret: item.secret, nonce: item.nonce, scanned_at: item.scanned_at };
    }),
  }, 20000).then(function (answer) {
    if (answer.status !== 200 || !answer.data.results) throw new Offline("batch " + answer.status);
    var byNonce = {};
    batch.forEach(function (item) { byNonce[item.nonce] = item; });
    answer.data.results.forEach(function (result) {
      var item = byNonce[result.nonce];
      if (!item) return;
      var name = (result.attendee && result.attendee.name) || item.name || T.someone;
      if (result.conflict) {
        notice(t("conflict", { name: name, when: clock(result.checked_in_at, true), station: result.station || T.another_door }));
      } else if (result.error || (result.status !== "ok" && result.reason !== "already_checked_in")) {
        notice(t("refused_later", { reason: T[result.reason] || T.error, name: name }));
      }
      if (result.status === "ok" || result.reason === "already_checked_in") {
        remember(item.hash, { state: "already_checked_in", at: result.checked_in_at, station: result.station });
      } else if (result.attendee) {
        remember(item.hash, { state: result.reason });
      }
    });
    var done = {};
    batch.forEach(function (item) { done[item.nonce] = true; });
    state.queue = state.queue.filter(function (item) { return !done[item.nonce]; });
    save("queue", state.queue);
    renderStatus();
    return upload();
  });
}

function listDue() {
  var list = state.offlineList;
  return !list || Date.now() - list.fetched_at > LIST_EVERY_MS ||
    (state.list != null && list.list_id !== state.list) ||
    (state.door && state.door.list && list.list_id !== state.door.list.id);
}

function refreshList() {
  var askedAt = Date.now();
  return api("GET", "/list", null, 30000).then(function (answer) {
    if (answer.status !== 200 || !answer.data.entries) throw new Offline("list " + answer.status);
    var entries = {};
    answer.data.entries.forEach(function (e) {
      entries[e.hash] = [e.name, e.organisation, e.ticket_type, e.state, e.checked_in_at, e.station];
    });
    if (state.door && answer.data.list) { // the organizer may have moved this door
      state.door.list = answer.data.list;
      if (answer.data.door) state.door.door = answer.data.door;
      save("door", state.door);
    }
    state.offlineList = {
      list_id: answer.data.list.id,
      generated_at: answer.data.generated_at,
      fetched_at: Date.now(),
      entries: entries,
    };
    // What we learnt before the list was made is in it now.
    Object.keys(state.recent).forEach(function (hash) {
      if (state.recent[hash].recorded < askedAt) delete state.recent[hash];
    });
    save("recent", state.recent);
    save("offline-list", state.offlineList);
    renderStatus();
  });
}

export function sync(force) {
  if (state.syncing || state.blocked) return Promise.resolve();
  if (navigator.onLine === false) { setOnline(false); return Promise.resolve(); }
  state.syncing = true;
  var start = state.online && state.door ? Promise.resolve() : loadDoor();
  return start.then(upload).then(function () {
    if (force || listDue()) return refreshList();
  }).then(function () {
    setOnline(true);
  }, function (error) {
    if (!state.blocked && error instanceof Offline) setOnline(false);
    else if (window.console && !(error instanceof Offline)) window.console.error(error);
  }).finally(function () {
    state.syncing = false;
    renderStatus();
  });
}

// What the browser says of its network: believed when it says offline, a reason to try
// at once when it says online.
export function listenNetwork() {
  window.addEventListener("online", function () { state.lastFailure = 0; sync(); });
  window.addEventListener("offline", function () { setOnline(false); });
}

// Upload, a fresh list and a probe of the network, each when due.
export function keepSyncing() {
  window.setInterval(function () {
    if (state.blocked) return;
    if (navigator.onLine === false) { setOnline(false); return; }
    if (!state.online) { if (Date.now() - state.lastFailure >= RETRY_ONLINE_MS) sync(); return; }
    if (state.queue.length || listDue()) sync();
  }, SYNC_EVERY_MS);
}

// Offline reloads: a service worker keeps this page and its files for when there is no
// network; the page stores them, as it alone knows which they are: style sheets, icon,
// and the scripts (the entry module and, preloaded, every module it imports). They have
// hashed names, whose content never changes, so each is fetched once; the page itself
// every time. The cache is named after this release's files (config.cache), so a deploy
// starts a new one and the worker drops the old (scanner-worker.js).
export function keepForOffline() {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker.register(config.worker, { scope: config.scope }).catch(noop);
  if (!window.caches) return;
  var files = [];
  document.querySelectorAll("link[rel=stylesheet], link[rel=icon], link[rel=modulepreload]").forEach(function (link) { files.push(link.href); });
  document.querySelectorAll("script[type=module][src]").forEach(function (script) { files.push(script.src); });
  // The decoder (1 MB) too where the browser has none of its own, so the camera also
  // starts offline.
  if (!("BarcodeDetector" in window)) files.push(config.decoder, config.wasm);
  window.caches.open(config.cache).then(function (cache) {
    return Promise.all([keep(cache, window.location.pathname).catch(noop)].concat(
      files.map(function (file) {
        return cache.match(file).then(function (hit) { return hit || keep(cache, file); }).catch(noop);
      })));
  }).catch(noop);
}

// A file is kept only as its own name answered it: a redirect (a hashed name of another
// release, from a server in the middle of a deploy) would keep another file under it.
function keep(cache, file) {
  return fetch(file, { credentials: "same-origin" }).then(function (response) {
    if (response.ok && !response.redirected) return cache.put(file, response);
  });
}
