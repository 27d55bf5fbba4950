// What the phone keeps between page loads, per event and per way in (station or
// account): the door, the offline list, the queue of scans to upload, what the server
// said since the list, notices, and a station's token. localStorage can be full or
// missing (private mode); the page goes on in memory.
import { config, SECRET } from "./page.js";

var PREFIX = "summit.checkin." + config.slug + ".";
var KEY = PREFIX + config.mode + ".";
var TOKEN = PREFIX + "token";

export function load(name, fallback) {
  try {
    var raw = window.localStorage.getItem(KEY + name);
    return raw ? JSON.parse(raw) : fallback;
  } catch (e) { return fallback; }
}

export function save(name, value) {
  try {
    if (value == null) window.localStorage.removeItem(KEY + name);
    else window.localStorage.setItem(KEY + name, JSON.stringify(value));
  } catch (e) { /* quota: keep it in memory */ }
}

export var state = {
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

// Another station or another list: its door, offline list and news are not ours.
export function forgetDoor() {
  state.offlineList = null; state.door = null; state.recent = {};
  save("offline-list", null); save("door", null); save("recent", null);
}

// Station link: the token arrives in the fragment and never stays in the address bar.
export function takeStationToken() {
  var fragment = window.location.hash.replace(/^#/, "");
  if (fragment.indexOf("station=") === 0) fragment = fragment.slice("station=".length);
  if (fragment) {
    try { fragment = decodeURIComponent(fragment); } catch (e) { fragment = ""; }
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
    if (SECRET.test(fragment)) {
      var previous = null;
      try { previous = window.localStorage.getItem(TOKEN); } catch (e) { /* none */ }
      if (previous !== fragment) forgetDoor();
      try { window.localStorage.setItem(TOKEN, fragment); } catch (e) { /* memory */ }
      state.token = fragment;
    }
  }
  if (!state.token) {
    try { state.token = window.localStorage.getItem(TOKEN); } catch (e) { /* none */ }
  }
}

export function forgetStation() {
  try { window.localStorage.removeItem(TOKEN); } catch (e) { /* none */ }
  ["offline-list", "door", "recent", "notices"].forEach(function (name) { save(name, null); });
  state.token = null;
  state.offlineList = null;
}
