// The door scanner (templates/checkin/scanner.html). Talks to the check-in JSON API as a
// station (bearer token from the link's fragment, kept in localStorage) or as a signed-in
// door-staff account (session cookie and CSRF token). Keeps working offline from a list of
// ticket hashes, queues what it let in, and uploads the queue when the network returns.
// No inline script or style anywhere: CSP forbids them.
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("scanner-config").textContent);
  var T = config.texts;
  var SCRIPT_URL = document.currentScript ? document.currentScript.src : null;
  var SECRET = /^[A-Za-z0-9_-]{16,64}$/; // what our QR codes carry (services.checkin)
  var OK_MS = 1500, ERROR_MS = 3000, SAME_CODE_MS = 2000;
  var SCAN_TIMEOUT_MS = 3000, RETRY_ONLINE_MS = 10000, LIST_EVERY_MS = 3 * 60 * 1000;
  var PREFIX = "summit.checkin." + config.slug + ".";
  var KEY = PREFIX + config.mode + ".";
  var CACHE = "summit-scanner-v1";

  function $(id) { return document.getElementById(id); }
  function t(key, values) {
    var text = T[key] || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(values[name] == null ? "" : String(values[name]));
    });
    return text;
  }
  function noop() {}

  // Storage: localStorage can be full or missing (private mode); the page goes on in memory.
  function load(name, fallback) {
    try {
      var raw = window.localStorage.getItem(KEY + name);
      return raw ? JSON.parse(raw) : fallback;
    } catch (e) { return fallback; }
  }
  function save(name, value) {
    try {
      if (value == null) window.localStorage.removeItem(KEY + name);
      else window.localStorage.setItem(KEY + name, JSON.stringify(value));
    } catch (e) { /* quota: keep it in memory */ }
  }

  var state = {
    token: null,
    list: config.mode === "account" ? load("list-choice", config.list) : null,
    online: navigator.onLine !== false,
    lastFailure: 0,
    door: load("door", null),
    offlineList: load("offline-list", null),
    queue: load("queue", []),
    recent: load("recent", {}), // hash -> {state, at, station} the server told us since the list
    notices: load("notices", []),
    lastCheckin: null,
    blocked: false,
    syncing: false,
  };

  var el = {
    bar: document.querySelector(".sc-bar"),
    net: $("sc-net"), netText: $("sc-net-text"), queue: $("sc-queue"),
    door: $("sc-door"), listAge: $("sc-list-age"),
    input: $("sc-code"), form: $("sc-code-form"), keyboard: $("sc-keyboard"),
    view: document.querySelector(".sc-view"), camera: $("sc-camera"), video: $("sc-video"),
    idle: $("sc-idle"), cameraMessage: $("sc-camera-message"), cameraToggle: $("sc-camera-toggle"),
    verdict: $("sc-verdict"), verdictButton: $("sc-verdict-next"), live: $("sc-live"),
    toast: $("sc-toast"),
    notices: $("sc-notices"), noticeList: $("sc-notice-list"),
    blocked: $("sc-blocked"),
    search: $("sc-search"), searchForm: $("sc-search-form"), searchQ: $("sc-search-q"),
    searchStatus: $("sc-search-status"), results: $("sc-results"),
    undoOpen: $("sc-undo-open"), undo: $("sc-undo"), undoText: $("sc-undo-text"),
    menu: $("sc-menu"), listChoice: $("sc-list-choice"),
    badge: $("sc-badge"), badgePrint: $("sc-badge-print"), badgeOpen: $("sc-badge-open"),
    badgeNote: $("sc-badge-note"), badgeFrame: $("sc-badge-frame"),
  };

  // Station link: the token arrives in the fragment and never stays in the address bar.
  if (config.mode === "station") {
    var tokenKey = PREFIX + "token";
    var fragment = window.location.hash.replace(/^#/, "");
    if (fragment.indexOf("station=") === 0) fragment = fragment.slice("station=".length);
    if (fragment) {
      try { fragment = decodeURIComponent(fragment); } catch (e) { fragment = ""; }
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
      if (SECRET.test(fragment)) {
        var previous = null;
        try { previous = window.localStorage.getItem(tokenKey); } catch (e) { /* none */ }
        if (previous !== fragment) { // another station: its list and door are not ours
          state.offlineList = null; state.door = null; state.recent = {};
          save("offline-list", null); save("door", null); save("recent", null);
        }
        try { window.localStorage.setItem(tokenKey, fragment); } catch (e) { /* memory */ }
        state.token = fragment;
      }
    }
    if (!state.token) {
      try { state.token = window.localStorage.getItem(tokenKey); } catch (e) { /* none */ }
    }
  }

  // The API --------------------------------------------------------------------------------

  function Offline(reason) { this.reason = reason; }

  function api(method, path, body, timeout, params) {
    var headers = { Accept: "application/json" };
    params = params || {};
    if (config.mode === "station") headers.Authorization = "Bearer " + state.token;
    if (config.mode === "account") {
      if (state.list != null) {
        if (method === "GET") params.list = state.list;
        else body = Object.assign({ list: state.list }, body || {});
      }
      if (method !== "GET") headers["X-CSRFToken"] = config.csrf;
    }
    var query = Object.keys(params).map(function (k) {
      return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]);
    }).join("&");
    if (body) headers["Content-Type"] = "application/json";
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? window.setTimeout(function () { controller.abort(); }, timeout || 8000) : null;
    return window.fetch(config.api + path + (query ? "?" + query : ""), {
      method: method,
      headers: headers,
      body: body ? JSON.stringify(body) : undefined,
      credentials: config.mode === "account" ? "same-origin" : "omit",
      cache: "no-store",
      signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        if (response.status >= 500) throw new Offline("server " + response.status);
        if (response.status === 401 || response.status === 403 ||
            (response.status === 400 && data && data.error === "csrf")) {
          refused(response.status);
          throw new Offline("refused");
        }
        return { status: response.status, data: data || {} };
      });
    }, function (error) {
      throw new Offline(error && error.name);
    }).finally(function () { if (timer) window.clearTimeout(timer); });
  }

  function setOnline(online) {
    if (!online) state.lastFailure = Date.now();
    if (state.online !== online) {
      state.online = online;
      renderStatus();
      if (online) sync();
    }
  }

  // Don't make a door wait for a network known to be gone: after a failure, scans are
  // judged on the phone until a probe (or a request) gets through again.
  function likelyOffline() {
    return navigator.onLine === false ||
      (!state.online && (state.syncing || Date.now() - state.lastFailure < RETRY_ONLINE_MS));
  }

  function refused(status) {
    if (config.mode === "station") block(state.token ? "revoked" : "missing");
    else block(status === 401 || status === 400 ? "ended" : "refused");
  }

  // Status bar ------------------------------------------------------------------------------

  function clock(iso, withDay) {
    var moment = typeof iso === "number" ? new Date(iso) : new Date(iso || 0);
    if (isNaN(moment.getTime())) return "";
    var options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    var zone = config.timezone || (state.door && state.door.event && state.door.event.timezone);
    if (zone) options.timeZone = zone;
    var today = new Date().toDateString() === moment.toDateString();
    if (withDay && !today) { options.day = "numeric"; options.month = "short"; }
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || undefined, options).format(moment);
    } catch (e) {
      return moment.toLocaleTimeString();
    }
  }

  function renderStatus() {
    var online = state.online && navigator.onLine !== false;
    el.bar.classList.toggle("is-offline", !online);
    el.net.setAttribute("data-state", online ? "online" : "offline");
    el.netText.textContent = online ? T.online : T.offline;
    var waiting = state.queue.length;
    el.queue.setAttribute("data-count", String(waiting));
    el.queue.textContent = waiting ? t("queued", { n: waiting }) : T.all_uploaded;
    var door = state.door;
    el.door.textContent = door ? door.door + (door.list ? " · " + door.list.name : "") : "";
    el.listAge.textContent = state.offlineList
      ? t("list_from", { time: clock(state.offlineList.fetched_at) }) : T.no_list;
    $("sc-fact-event").textContent = door && door.event ? door.event.name : (config.event || "–");
    $("sc-fact-door").textContent = door ? door.door : "–";
    $("sc-fact-list").textContent = door && door.list ? door.list.name : "–";
    $("sc-fact-offline").textContent = state.offlineList
      ? t("list_fact", { time: clock(state.offlineList.fetched_at, true), n: Object.keys(state.offlineList.entries).length })
      : T.no_list;
  }

  function renderNotices() {
    el.noticeList.textContent = "";
    state.notices.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      el.noticeList.appendChild(item);
    });
    el.notices.hidden = state.notices.length === 0;
  }

  function notice(text) {
    state.notices.push(text);
    save("notices", state.notices);
    renderNotices();
  }

  var toastTimer = null;
  function toast(text) {
    el.toast.textContent = text;
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(function () { el.toast.textContent = ""; }, 5000);
  }

  // Verdicts --------------------------------------------------------------------------------

  var audio = null;
  function unlockAudio() {
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

  var verdictTimer = null;
  function showVerdict(v) {
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

  function hideVerdict() {
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

  function clearBadge() {
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

  el.badgePrint.addEventListener("click", function () {
    unlockAudio();
    printBadge();
  });

  function alreadyWhy(at, station) {
    var when = clock(at, true);
    if (station && state.door && station === state.door.door) return t("why_already_here", { when: when });
    return t("why_already", { when: when, station: station || T.another_door });
  }

  function verdictFor(reason, attendee, at, station) {
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

  // Scanning --------------------------------------------------------------------------------

  function nonce() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function sha256(text) {
    if (!window.crypto || !window.crypto.subtle) return Promise.reject(new Error("no subtle crypto"));
    return window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (buffer) {
      return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
        return (b + 256).toString(16).slice(1);
      }).join("");
    });
  }

  // Scans run one after another, so verdicts appear in the order people came.
  var queueOfScans = Promise.resolve();
  function scan(code, ticket) {
    queueOfScans = queueOfScans.then(function () {
      return ticket ? scanTicket(ticket) : scanCode(code);
    }).catch(function (error) {
      if (window.console) window.console.error(error);
    });
    return queueOfScans;
  }

  // A hand scanner set to a US layout on a phone or laptop set to Swedish types "+" for
  // "-" and "?" for "_"; neither is ever in a ticket code, so they are read back.
  function fromScanner(raw) {
    var code = String(raw || "").trim();
    if (SECRET.test(code)) return code;
    var mapped = code.replace(/\+/g, "-").replace(/\?/g, "_");
    return SECRET.test(mapped) ? mapped : code;
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

  function remember(hash, fact) {
    fact.recorded = Date.now();
    state.recent[hash] = fact;
    save("recent", state.recent);
  }

  // Offline: the verdict from the downloaded list, and the scan queued for upload.
  function stateOf(hash, entry) {
    var pending = state.queue.filter(function (item) { return item.hash === hash; })[0];
    if (pending) return { state: "already_checked_in", at: pending.scanned_at, station: state.door && state.door.door };
    return state.recent[hash] || { state: entry[3], at: entry[4], station: entry[5] };
  }

  function judgeOffline(code, scanNonce, scannedAt) {
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

  function sync(force) {
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

  // The hand-scanner field ----------------------------------------------------------------

  function anyDialogOpen() {
    return [el.search, el.undo, el.menu].some(function (d) { return d.open; });
  }

  function refocus() {
    if (state.blocked || anyDialogOpen()) return;
    var active = document.activeElement;
    if (active === el.input) return;
    if (!active || active === document.body || active === el.verdictButton ||
        active === document.getElementById("main")) {
      el.input.focus({ preventScroll: true });
    }
  }

  el.form.addEventListener("submit", function (event) {
    event.preventDefault();
    var code = el.input.value;
    el.input.value = "";
    scan(code);
  });
  el.input.addEventListener("blur", function () { window.setTimeout(refocus, 200); });

  // Keys from a hand scanner reach the field wherever the focus was left (a tapped button,
  // the verdict); typing in the search field or a list choice is left alone.
  document.addEventListener("keydown", function (event) {
    unlockAudio();
    if (state.blocked) return;
    if (event.key === "Escape" && !el.verdict.hidden) { hideVerdict(); return; }
    if (anyDialogOpen() || event.ctrlKey || event.metaKey || event.altKey) return;
    var active = document.activeElement;
    if (active === el.input) return;
    if (active && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName)) return;
    if (event.key.length === 1 && event.key !== " ") {
      el.input.focus({ preventScroll: true });
      el.input.value += event.key;
      event.preventDefault();
    } else if (event.key === "Enter" && el.input.value) {
      event.preventDefault();
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.dispatchEvent(new Event("submit"));
    }
  }, true);

  // On a phone the field takes scanner input without popping up the on-screen keyboard;
  // the keyboard button lets someone type a code by hand.
  el.keyboard.addEventListener("click", function () {
    var typing = el.keyboard.getAttribute("aria-pressed") !== "true";
    el.keyboard.setAttribute("aria-pressed", typing ? "true" : "false");
    el.input.setAttribute("inputmode", typing ? "text" : "none");
    el.input.blur();
    el.input.focus();
  });

  el.verdictButton.addEventListener("click", hideVerdict);

  // Camera ----------------------------------------------------------------------------------

  var camera = { stream: null, detector: null, running: false, wanted: false, timer: null, code: null, seen: 0 };

  function cameraMessage(text) { el.cameraMessage.textContent = text || ""; }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(script);
    });
  }

  // The browser's own BarcodeDetector where it reads QR codes, else the vendored one
  // (zxing-cpp as WebAssembly, served from our origin), loaded only now.
  function detector() {
    if (camera.detector) return Promise.resolve(camera.detector);
    var vendored = function () {
      return loadScript(config.decoder).then(function () {
        var lib = window.BarcodeDetectionAPI;
        return lib.prepareZXingModule({
          overrides: {
            locateFile: function (path, prefix) {
              return /\.wasm$/.test(path) ? config.wasm : prefix + path;
            },
          },
          fireImmediately: true,
        }).then(function () {
          return new lib.BarcodeDetector({ formats: ["qr_code"] });
        });
      });
    };
    var made = "BarcodeDetector" in window && window.BarcodeDetector.getSupportedFormats
      ? window.BarcodeDetector.getSupportedFormats().then(function (formats) {
        return formats.indexOf("qr_code") >= 0
          ? new window.BarcodeDetector({ formats: ["qr_code"] }) : vendored();
      }, vendored)
      : vendored();
    return made.then(function (found) {
      camera.detector = found;
      el.view.setAttribute("data-decoder", found instanceof (window.BarcodeDetector || function () {}) ? "native" : "vendored");
      return found;
    });
  }

  function startCamera() {
    camera.wanted = true;
    setCameraButton(true);
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      cameraFailed(window.isSecureContext === false ? T.camera_needs_https : T.camera_missing);
      return;
    }
    cameraMessage(T.camera_starting);
    requestWakeLock();
    var media = navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
    });
    Promise.all([media, detector()]).then(function (got) {
      if (!camera.wanted) { got[0].getTracks().forEach(function (track) { track.stop(); }); return; }
      camera.stream = got[0];
      camera.running = true;
      el.video.srcObject = camera.stream;
      el.camera.hidden = false;
      el.idle.hidden = true;
      el.view.classList.add("is-camera");
      cameraMessage(T.point_camera);
      return el.video.play().catch(noop).then(detectLoop);
    }).catch(function (error) {
      media.then(function (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }, noop);
      var name = error && error.name;
      cameraFailed(name === "NotAllowedError" || name === "SecurityError" ? T.camera_denied
        : name === "NotFoundError" || name === "OverconstrainedError" ? T.camera_missing : T.camera_failed);
    });
  }

  function cameraFailed(text) {
    stopCamera();
    cameraMessage(text);
  }

  function stopCamera(keepWanted) {
    if (!keepWanted) camera.wanted = false;
    camera.running = false;
    window.clearTimeout(camera.timer);
    if (camera.stream) camera.stream.getTracks().forEach(function (track) { track.stop(); });
    camera.stream = null;
    el.video.srcObject = null;
    el.camera.hidden = true;
    el.idle.hidden = false;
    el.view.classList.remove("is-camera");
    cameraMessage("");
    setCameraButton(camera.wanted);
  }

  function setCameraButton(on) {
    el.cameraToggle.setAttribute("aria-pressed", on ? "true" : "false");
    el.cameraToggle.textContent = on ? T.camera_stop : T.camera_start;
  }

  // A code still in front of the camera is not scanned again until it has been out of
  // sight for SAME_CODE_MS.
  function detectLoop() {
    if (!camera.running) return;
    if (el.video.readyState < 2) { camera.timer = window.setTimeout(detectLoop, 100); return; }
    camera.detector.detect(el.video).then(function (codes) {
      var now = Date.now();
      var value = codes && codes.length ? codes[0].rawValue : null;
      if (value) {
        var repeat = value === camera.code && now - camera.seen < SAME_CODE_MS;
        camera.code = value;
        camera.seen = now;
        if (!repeat) scan(value);
      }
    }, noop).then(function () {
      if (camera.running) camera.timer = window.setTimeout(detectLoop, 80);
    });
  }

  el.cameraToggle.addEventListener("click", function () {
    unlockAudio();
    if (camera.wanted) stopCamera(); else startCamera();
    el.input.focus({ preventScroll: true });
  });

  var wakeLock = null;
  function requestWakeLock() {
    if (!navigator.wakeLock || wakeLock || document.visibilityState !== "visible") return;
    navigator.wakeLock.request("screen").then(function (lock) {
      wakeLock = lock;
      lock.addEventListener("release", function () { wakeLock = null; });
    }, noop);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      if (camera.running) stopCamera(true);
    } else {
      requestWakeLock();
      if (camera.wanted && !camera.running && !state.blocked) startCamera();
      sync();
    }
  });

  // Find by name, undo ----------------------------------------------------------------------

  function openDialog(dialog) {
    if (!dialog.open) dialog.showModal();
  }
  document.querySelectorAll("dialog [data-close]").forEach(function (button) {
    button.addEventListener("click", function () { button.closest("dialog").close(); });
  });
  [el.search, el.undo, el.menu].forEach(function (dialog) {
    // Back to the field, not to the button that opened the dialog: the next ticket is
    // what comes next at a door.
    dialog.addEventListener("close", function () {
      window.setTimeout(function () {
        if (!state.blocked && !anyDialogOpen()) el.input.focus({ preventScroll: true });
      }, 0);
    });
  });

  $("sc-search-open").addEventListener("click", function () {
    el.searchStatus.textContent = likelyOffline() ? T.search_offline : "";
    openDialog(el.search);
    el.searchQ.focus();
  });

  el.searchForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var q = el.searchQ.value.trim();
    if (q.length < 2) return;
    el.searchStatus.textContent = T.searching;
    el.results.textContent = "";
    api("GET", "/search", null, 8000, { q: q }).then(function (answer) {
      setOnline(true);
      var results = (answer.data && answer.data.results) || [];
      el.searchStatus.textContent = results.length ? t("results", { n: results.length }) : T.no_results;
      results.forEach(function (hit) { el.results.appendChild(resultItem(hit)); });
    }, function () {
      if (state.blocked) return;
      setOnline(false);
      el.searchStatus.textContent = T.search_offline;
    });
  });

  function span(className, text) {
    var node = document.createElement("span");
    node.className = className;
    node.textContent = text;
    return node;
  }

  function resultItem(hit) {
    var item = document.createElement("li");
    item.appendChild(span("sc-r-name", hit.name || hit.email));
    item.appendChild(span("sc-r-meta", [hit.organisation, hit.ticket_type, hit.email].filter(Boolean).join(" · ")));
    var stateText = hit.state === "already_checked_in"
      ? t("state_already_checked_in", { when: clock(hit.checked_in_at, true), station: hit.station || T.another_door })
      : T["state_" + hit.state] || hit.state;
    var status = span("sc-r-state", stateText);
    status.setAttribute("data-state", hit.state);
    item.appendChild(status);
    var button = null;
    if (hit.state === "ok") {
      button = document.createElement("button");
      button.className = "sc-action sc-check-in";
      button.textContent = T.check_in;
      button.addEventListener("click", function () {
        el.search.close();
        scan(null, { ticket_id: hit.ticket_id, name: hit.name });
      });
    } else if (hit.state === "already_checked_in") {
      button = document.createElement("button");
      button.className = "sc-action sc-secondary";
      button.textContent = T.undo;
      button.addEventListener("click", function () {
        el.search.close();
        askUndo({ ticket_id: hit.ticket_id, name: hit.name });
      });
    }
    if (button) {
      button.type = "button";
      button.setAttribute("aria-label", button.textContent + ": " + (hit.name || hit.email));
      item.appendChild(button);
    }
    return item;
  }

  function renderUndo() {
    var last = state.lastCheckin;
    el.undoOpen.hidden = !last;
    if (last) el.undoOpen.textContent = t("undo_last", { name: last.name });
  }

  var undoTarget = null;
  function askUndo(target) {
    undoTarget = target;
    el.undoText.textContent = t("undo_confirm", { name: target.name });
    openDialog(el.undo);
    $("sc-undo-confirm").focus();
  }

  el.undoOpen.addEventListener("click", function () {
    if (state.lastCheckin) askUndo(state.lastCheckin);
  });

  $("sc-undo-confirm").addEventListener("click", function () {
    var target = undoTarget;
    el.undo.close();
    if (!target) return;
    var forgetLast = function () {
      if (state.lastCheckin === target) { state.lastCheckin = null; renderUndo(); }
    };
    // Not uploaded yet: taking it out of the queue is the whole undo.
    if (target.queued) {
      var before = state.queue.length;
      state.queue = state.queue.filter(function (item) { return item.nonce !== target.nonce; });
      if (state.queue.length !== before) {
        save("queue", state.queue);
        renderStatus();
        forgetLast();
        toast(t("undone", { name: target.name }));
        return;
      }
    }
    var body = target.ticket_id ? { ticket_id: target.ticket_id } : { secret: target.secret };
    api("POST", "/undo", body, 8000).then(function (answer) {
      setOnline(true);
      forgetLast();
      if (answer.status === 200) {
        toast(t("undone", { name: target.name }));
        if (target.secret) sha256(target.secret).then(function (hash) { remember(hash, { state: "ok" }); }, noop);
      } else {
        toast(t("undo_failed", { name: target.name }));
      }
    }, function () {
      if (!state.blocked) { setOnline(false); toast(T.undo_offline); }
    });
  });

  // Menu ------------------------------------------------------------------------------------

  $("sc-menu-open").addEventListener("click", function () { openDialog(el.menu); });
  $("sc-sync-now").addEventListener("click", function () {
    el.menu.close();
    state.lastFailure = 0;
    sync(true);
  });
  $("sc-notices-clear").addEventListener("click", function () {
    state.notices = [];
    save("notices", null);
    renderNotices();
    refocus();
  });

  function forgetStation() {
    try { window.localStorage.removeItem(PREFIX + "token"); } catch (e) { /* none */ }
    ["offline-list", "door", "recent", "notices"].forEach(function (name) { save(name, null); });
    state.token = null;
    state.offlineList = null;
    block("missing");
  }
  if ($("sc-menu-forget")) $("sc-menu-forget").addEventListener("click", forgetStation);
  $("sc-forget").addEventListener("click", forgetStation);

  if (el.listChoice) {
    (config.lists || []).forEach(function (choice) {
      var option = document.createElement("option");
      option.value = String(choice.id);
      option.textContent = choice.name;
      el.listChoice.appendChild(option);
    });
    if (state.list != null && !(config.lists || []).some(function (c) { return c.id === state.list; })) {
      state.list = config.list;
    }
    el.listChoice.value = String(state.list);
    el.listChoice.addEventListener("change", function () {
      state.list = Number(el.listChoice.value);
      save("list-choice", state.list);
      state.offlineList = null; state.recent = {}; state.door = null;
      save("offline-list", null); save("recent", null); save("door", null);
      renderStatus();
      sync(true);
    });
  }

  // Blocked: the station link is revoked or wrong, or the account cannot scan -----------------

  function block(kind) {
    state.blocked = true;
    stopCamera();
    [el.search, el.undo, el.menu].forEach(function (d) { if (d.open) d.close(); });
    el.verdict.hidden = true;
    clearBadge();
    var titles = { revoked: T.station_revoked, missing: T.station_missing, ended: T.account_ended, refused: T.account_refused };
    var title = $("sc-blocked-title");
    title.textContent = titles[kind];
    $("sc-blocked-text").textContent = $("sc-text-" + kind).content.textContent;
    var waiting = $("sc-blocked-queue");
    waiting.hidden = !state.queue.length;
    waiting.textContent = state.queue.length ? t("queued", { n: state.queue.length }) : "";
    var login = $("sc-blocked-login");
    login.hidden = kind !== "ended";
    if (config.login) login.href = config.login;
    $("sc-forget").hidden = kind !== "revoked";
    el.blocked.hidden = false;
    el.blocked.setAttribute("data-kind", kind);
    title.focus();
  }

  // Offline reloads: a service worker keeps this page and its files for when there is no
  // network; the page stores them on first load, as the worker only sees later requests.
  function keepForOffline() {
    if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
    navigator.serviceWorker.register(config.worker, { scope: config.scope }).catch(noop);
    if (!window.caches) return;
    var files = [window.location.pathname];
    document.querySelectorAll("link[rel=stylesheet], link[rel=icon]").forEach(function (link) { files.push(link.href); });
    if (SCRIPT_URL) files.push(SCRIPT_URL);
    // The decoder (1 MB) too where the browser has none of its own, so the camera also
    // starts offline; fetched once, the worker refreshes it when it is asked for online.
    var decoder = "BarcodeDetector" in window ? [] : [config.decoder, config.wasm];
    window.caches.open(CACHE).then(function (cache) {
      return Promise.all(files.map(function (file) { return cache.add(file).catch(noop); }).concat(
        decoder.map(function (file) {
          return cache.match(file).then(function (hit) { return hit || cache.add(file); }).catch(noop);
        })));
    }).catch(noop);
  }

  // Start -----------------------------------------------------------------------------------

  document.addEventListener("pointerdown", unlockAudio, true);
  document.addEventListener("pointerdown", requestWakeLock, true);
  window.addEventListener("online", function () { state.lastFailure = 0; sync(); });
  window.addEventListener("offline", function () { setOnline(false); });

  renderStatus();
  renderNotices();
  renderUndo();
  if (config.mode === "station" && !state.token) {
    block("missing");
    return;
  }
  el.input.focus({ preventScroll: true });
  keepForOffline();
  sync();
  window.setInterval(function () {
    if (state.blocked) return;
    if (navigator.onLine === false) { setOnline(false); return; }
    if (!state.online) { if (Date.now() - state.lastFailure >= RETRY_ONLINE_MS) sync(); return; }
    if (state.queue.length || listDue()) sync();
  }, 3000);
})();
