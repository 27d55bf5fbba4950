// The phone's camera as a scanner. Decodes with the browser's own BarcodeDetector where
// it reads QR codes, else with the vendored one (zxing-cpp as WebAssembly, served from
// our origin, static/vendor/barcode-detector), loaded only when the camera starts.
// Keeps the screen awake while it runs, and stops while the page is hidden.
import { config, el, noop, T } from "./page.js";
import { state } from "./store.js";
import { unlockAudio } from "./verdict.js";
import { focusField } from "./hand-scanner.js";

var SAME_CODE_MS = 2000;
var camera = { stream: null, detector: null, running: false, wanted: false, timer: null, code: null, seen: 0 };
var onCode = noop;

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

// keepWanted: paused (the page is hidden), to start again when it is shown.
export function stopCamera(keepWanted) {
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
      if (!repeat) onCode(value);
    }
  }, noop).then(function () {
    if (camera.running) camera.timer = window.setTimeout(detectLoop, 80);
  });
}

var wakeLock = null;
function requestWakeLock() {
  if (!navigator.wakeLock || wakeLock || document.visibilityState !== "visible") return;
  navigator.wakeLock.request("screen").then(function (lock) {
    wakeLock = lock;
    lock.addEventListener("release", function () { wakeLock = null; });
  }, noop);
}

// onCode gets each code the camera reads (once while it stays in sight).
export function listenCamera(handler) {
  onCode = handler;
  el.cameraToggle.addEventListener("click", function () {
    unlockAudio();
    if (camera.wanted) stopCamera(); else startCamera();
    focusField();
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      if (camera.running) stopCamera(true);
    } else {
      requestWakeLock();
      if (camera.wanted && !camera.running && !state.blocked) startCamera();
    }
  });
  document.addEventListener("pointerdown", requestWakeLock, true);
}
