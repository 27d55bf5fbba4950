// What every part of the door scanner reads: the settings and texts the server put in
// the page (blueprints/checkin/scanner.py; the scripts have no catalogue of their own)
// and the page's elements (templates/checkin/scanner.html).
// No inline script or style anywhere: CSP forbids them.

export var config = JSON.parse(document.getElementById("scanner-config").textContent);
export var T = config.texts;
export var SECRET = /^[A-Za-z0-9_-]{16,64}$/; // what our QR codes carry (services.checkin)

export function $(id) { return document.getElementById(id); }

export function t(key, values) {
  var text = T[key] || key;
  Object.keys(values || {}).forEach(function (name) {
    text = text.split("{" + name + "}").join(values[name] == null ? "" : String(values[name]));
  });
  return text;
}

export function noop() {}

export var el = {
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

// The dialogs (find by name, undo, menu): while one is open, keys are not a scan.
export var dialogs = [el.search, el.undo, el.menu];

export function anyDialogOpen() {
  return dialogs.some(function (d) { return d.open; });
}
