// Checking a ticket: a code from the hand scanner or the camera, or a person picked in
// "find by name". Asked of the server when it is reachable, judged from the offline
// list when not. Scans run one after another, so verdicts appear in the order people
// came.
import { noop, T } from "./page.js";
import { save, state } from "./store.js";
import { api } from "./api.js";
import { renderUndo, toast } from "./status.js";
import { showVerdict, verdictFor } from "./verdict.js";
import { fromScanner } from "./hand-scanner.js";
import { judgeOffline, likelyOffline, remember, setOnline, sha256 } from "./offline.js";

var SCAN_TIMEOUT_MS = 3000;

function nonce() {
  if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
  var bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
}

var queueOfScans = Promise.resolve();
// A code as read (code), or a ticket found by name ({ticket_id, name}).
export function scan(code, ticket) {
  queueOfScans = queueOfScans.then(function () {
    return ticket ? scanTicket(ticket) : scanCode(code);
  }).catch(function (error) {
    if (window.console) window.console.error(error);
  });
  return queueOfScans;
}

function scanCode(raw) {
  var code = fromScanner(raw);
  if (!code || state.blocked) return Promise.resolve();
  var scanNonce = nonce();
  var scannedAt = new Date().toISOString();
  if (likelyOffline()) return judgeOffline(code, scanNonce, scannedAt);
  return api("POST", "", { secret: code, nonce: scanNonce }, SCAN_TIMEOUT_MS).then(function (answer) {
    setOnline(true);
    showAnswer(answer, { secret: code });
  }, function (error) {
    if (state.blocked) return;
    setOnline(false);
    return judgeOffline(code, scanNonce, scannedAt, error);
  });
}

function scanTicket(ticket) {
  return api("POST", "", { ticket_id: ticket.ticket_id, nonce: nonce() }, SCAN_TIMEOUT_MS).then(function (answer) {
    setOnline(true);
    showAnswer(answer, { ticket_id: ticket.ticket_id });
  }, function () {
    if (!state.blocked) { setOnline(false); toast(T.search_offline); }
  });
}

function showAnswer(answer, which) {
  var data = answer.data;
  if (answer.status === 429) {
    showVerdict({ tone: "bad", reason: "rate_limited", title: T.rate_limited, why: T.why_rate_limited });
    return;
  }
  if (answer.status !== 200 || !data.status) {
    showVerdict(verdictFor("unknown"));
    return;
  }
  var reason = data.status === "ok" ? null : (data.reason || "unknown");
  var v = verdictFor(reason, data.attendee, data.checked_in_at, data.station);
  if (data.badge && (!reason || reason === "already_checked_in")) v.badge = data.badge;
  if (!reason && state.door && state.door.station && !state.door.prints_badges !== !data.badge) {
    state.door.prints_badges = !!data.badge; // the organizer turned printing on or off
    save("door", state.door);
  }
  showVerdict(v);
  if (!reason) {
    state.lastCheckin = Object.assign({ name: (data.attendee || {}).name || "" }, which);
    renderUndo();
  }
  if (which.secret && data.attendee) {
    var fact = !reason || reason === "already_checked_in"
      ? { state: "already_checked_in", at: data.checked_in_at, station: data.station }
      : { state: reason };
    sha256(which.secret).then(function (hash) { remember(hash, fact); }, noop);
  }
}
