// The verdict: what the door volunteer sees and hears after a scan. Full screen, green,
// amber or red, readable from a metre away, with a sound and a vibration; it goes by
// itself, or with a tap, Escape or the next scan. At a printing station it also shows
// the person's badge, ready to print.
import { $, el, noop, T, t } from "./page.js";
import { state } from "./store.js";
import { clock } from "./status.js";
import { refocus } from "./hand-scanner.js";

var OK_MS = 1500, ERROR_MS = 3000;

// Sound --------------------------------------------------------------------------------
// Browsers play sound only after a tap or a key: the first one unlocks it.

var audio = null;
export function unlockAudio() {
  var Context = window.AudioContext || window.webkitAudioContext;
  if (!audio && Context) { try { audio = new Context(); } catch (e) { audio = null; } }
  if (audio && audio.state === "suspended") audio.resume().catch(noop);
}

function beep(frequency, at, length, type) {
  var start = audio.currentTime + at;
  var oscillator = audio.createOscillator();
  var gain = audio.createGain();
  oscillator.type = type;
  oscillator.frequency.value = frequency;
  gain.gain.setValueAtTime(0.0001, start);
  gain.gain.exponentialRampToValueAtTime(0.35, start + 0.01);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
  oscillator.connect(gain);
  gain.connect(audio.destination);
  oscillator.start(start);
  oscillator.stop(start + length + 0.02);
}

// One high beep for OK, two for "already", a long low buzz for no: heard, not read.
function feedback(tone) {
  try {
    if (audio && audio.state === "running") {
      if (tone === "ok") beep(1320, 0, 0.12, "sine");
      else if (tone === "warn") { beep(700, 0, 0.12, "square"); beep(700, 0.2, 0.12, "square"); }
      else beep(180, 0, 0.5, "sawtooth");
    }
  } catch (e) { /* sound is a bonus */ }
  if (navigator.vibrate) {
    try {
      navigator.vibrate(tone === "ok" ? 90 : tone === "warn" ? [120, 80, 120] : [400, 120, 400]);
    } catch (e) { /* no vibration */ }
  }
}

// The verdict ----------------------------------------------------------------------------

function alreadyWhy(at, station) {
  var when = clock(at, true);
  if (station && state.door && station === state.door.door) return t("why_already_here", { when: when });
  return t("why_already", { when: when, station: station || T.another_door });
}

// The verdict for a reason the server or the offline list gave (null: let them in).
export function verdictFor(reason, attendee, at, station) {
  attendee = attendee || {};
  var v = {
    reason: reason,
    tone: !reason ? "ok" : reason === "already_checked_in" ? "warn" : "bad",
    title: !reason ? T.ok : (T[reason] || T.unknown),
    name: attendee.name, type: attendee.ticket_type, org: attendee.organisation,
  };
  if (reason === "already_checked_in") v.why = alreadyWhy(at, station);
  else if (reason) v.why = T["why_" + reason] || T.why_unknown;
  return v;
}

var verdictTimer = null;
export function showVerdict(v) {
  el.verdict.setAttribute("data-tone", v.tone);
  el.verdict.setAttribute("data-reason", v.reason || "ok");
  $("sc-v-title").textContent = v.title;
  $("sc-v-name").textContent = v.name || "";
  $("sc-v-type").textContent = v.type || "";
  $("sc-v-org").textContent = v.org || "";
  $("sc-v-why").textContent = v.why || "";
  $("sc-v-offline").textContent = v.offline || "";
  var badgeNote = showBadge(v);
  el.verdict.hidden = false;
  el.live.textContent = [v.title, v.name, v.type, v.why, v.offline, badgeNote].filter(Boolean).join(". ");
  feedback(v.tone);
  window.clearTimeout(verdictTimer);
  // A badge to print stays until the next scan or a tap: printing takes a moment.
  if (v.badge) {
    el.badgePrint.focus({ preventScroll: true });
    return;
  }
  verdictTimer = window.setTimeout(hideVerdict, v.tone === "ok" && !v.badgeOffline ? OK_MS : ERROR_MS);
}

export function hideVerdict() {
  window.clearTimeout(verdictTimer);
  el.verdict.hidden = true;
  clearBadge();
  refocus();
}

// Print on arrival ------------------------------------------------------------------------
// At a station with printing on, the API's answer to an OK scan carries a link to the
// person's badge (a PDF, signed for ten minutes). It opens by itself in a frame below the
// verdict, in the browser's own PDF viewer; the button prints that frame, so the
// browser's print dialog shows the badge. "Already checked in" offers it too, but only
// on request (a deliberate reprint), and says when it was last printed. A frame, not a
// new window: popup blockers stop a window that no tap opened (camera scans), and a
// hidden frame cannot be printed from in Chromium.

var badge = { url: null, frame: null, loaded: false, printWhenLoaded: false };

export function clearBadge() {
  if (badge.frame) badge.frame.remove();
  badge = { url: null, frame: null, loaded: false, printWhenLoaded: false };
  el.badge.hidden = true;
  el.badgeFrame.hidden = true;
  el.badgePrint.hidden = true;
  el.badgeOpen.hidden = true;
  el.badgeNote.textContent = "";
  el.verdict.removeAttribute("data-badge");
}

// Returns what the panel says, for the screen reader's announcement.
function showBadge(v) {
  clearBadge();
  if (v.badgeOffline) {
    el.badge.hidden = false;
    el.verdict.setAttribute("data-badge", "offline");
    el.badgeNote.textContent = T.badge_offline;
    return T.badge_offline;
  }
  if (!v.badge || !v.badge.url) return "";
  badge.url = v.badge.url;
  badge.name = v.name || "";
  el.verdict.setAttribute("data-badge", "yes");
  el.badge.hidden = false;
  el.badgePrint.hidden = false;
  el.badgeOpen.hidden = false;
  el.badgeOpen.href = v.badge.url;
  var printed = v.badge.printed_at;
  el.badgePrint.textContent = printed ? T.badge_reprint : T.badge_print;
  // A fresh admission whose badge nobody printed yet: shown at once, ready to print.
  if (!v.reason && !printed) {
    loadBadge();
    return T.badge_loading;
  }
  el.badgeNote.textContent = printed ? t("badge_printed", { time: clock(printed, true) }) : T.badge_not_printed;
  return el.badgeNote.textContent;
}

function loadBadge() {
  if (badge.frame || !badge.url) return;
  var frame = document.createElement("iframe");
  frame.className = "sc-badge-pdf";
  frame.title = t("badge_frame", { name: badge.name });
  frame.tabIndex = -1; // the button prints it; keys stay with the page (hand scanners)
  var current = badge;
  frame.addEventListener("load", function () {
    if (badge !== current) return;
    var type = null;
    try { type = frame.contentDocument && frame.contentDocument.contentType; } catch (e) { type = null; }
    if (type !== "application/pdf") { // the link no longer holds, or no network
      el.badgeNote.textContent = T.badge_failed;
      el.badgePrint.hidden = true;
      el.badgeOpen.hidden = true;
      el.badge.setAttribute("data-state", "failed");
      return;
    }
    badge.loaded = true;
    el.badge.setAttribute("data-state", "ready");
    el.badgeNote.textContent = T.badge_ready;
    if (badge.printWhenLoaded) printBadge();
  });
  // Fit the whole page in the frame; the fragment never reaches the server.
  frame.src = badge.url + "#toolbar=0&view=Fit";
  badge.frame = frame;
  el.badge.setAttribute("data-state", "loading");
  el.badgeNote.textContent = T.badge_loading;
  el.badgeFrame.appendChild(frame);
  el.badgeFrame.hidden = false;
}

function printBadge() {
  if (!badge.url) return;
  if (!badge.frame) { // a reprint asked for: fetch it, then print
    badge.printWhenLoaded = true;
    loadBadge();
    return;
  }
  if (!badge.loaded) {
    // Still loading, or a browser that shows no PDF in a frame (phones download it):
    // the badge in a tab of its own, where the browser's viewer prints it.
    window.open(badge.url, "_blank", "noopener");
    return;
  }
  badge.printWhenLoaded = false;
  try {
    badge.frame.contentWindow.focus();
    badge.frame.contentWindow.print();
  } catch (e) {
    // No print from the frame (some mobile browsers): the viewer in a tab of its own.
    window.open(badge.url, "_blank", "noopener");
  }
  window.setTimeout(function () { el.badgePrint.focus({ preventScroll: true }); }, 0);
}

export function listenVerdict() {
  el.badgePrint.addEventListener("click", function () {
    unlockAudio();
    printBadge();
  });
  el.verdictButton.addEventListener("click", hideVerdict);
  // Any key unlocks the sound (hand scanners type); Escape puts the verdict away.
  document.addEventListener("keydown", function (event) {
    unlockAudio();
    if (state.blocked) return;
    if (event.key === "Escape" && !el.verdict.hidden) hideVerdict();
  }, true);
  document.addEventListener("pointerdown", unlockAudio, true);
}
