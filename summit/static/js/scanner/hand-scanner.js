// The hand-scanner field: USB and Bluetooth scanners type the code and press Enter, into
// whatever has the focus. The field keeps the focus whenever nothing else needs it.
import { anyDialogOpen, el, SECRET } from "./page.js";
import { state } from "./store.js";

// A hand scanner set to a US layout on a phone or laptop set to Swedish types "+" for
// "-" and "?" for "_"; neither is ever in a ticket code, so they are read back.
export function fromScanner(raw) {
  var code = String(raw || "").trim();
  if (SECRET.test(code)) return code;
  var mapped = code.replace(/\+/g, "-").replace(/\?/g, "_");
  return SECRET.test(mapped) ? mapped : code;
}

export function focusField() {
  el.input.focus({ preventScroll: true });
}

export function refocus() {
  if (state.blocked || anyDialogOpen()) return;
  var active = document.activeElement;
  if (active === el.input) return;
  if (!active || active === document.body || active === el.verdictButton ||
      active === document.getElementById("main")) {
    focusField();
  }
}

// onCode gets what was typed, as typed (the scan reads it with fromScanner).
export function listenHandScanner(onCode) {
  el.form.addEventListener("submit", function (event) {
    event.preventDefault();
    var code = el.input.value;
    el.input.value = "";
    onCode(code);
  });
  el.input.addEventListener("blur", function () { window.setTimeout(refocus, 200); });

  // Keys from a hand scanner reach the field wherever the focus was left (a tapped
  // button, the verdict); typing in the search field or a list choice is left alone.
  document.addEventListener("keydown", function (event) {
    if (state.blocked) return;
    if (anyDialogOpen() || event.ctrlKey || event.metaKey || event.altKey) return;
    var active = document.activeElement;
    if (active === el.input) return;
    if (active && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName)) return;
    if (event.key.length === 1 && event.key !== " ") {
      focusField();
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
}
