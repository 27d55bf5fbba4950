// Shows the time left on a reservation (elements with data-expires). The server is the
// judge of expiry; this only tells the buyer. No inline script: CSP forbids it.
(function () {
  "use strict";
  document.querySelectorAll("[data-expires]").forEach(function (box) {
    var end = Date.parse(box.getAttribute("data-expires"));
    var left = box.querySelector(".countdown-left");
    var clock = box.querySelector(".countdown-clock");
    if (isNaN(end) || !left || !clock) return;
    left.hidden = false;
    function tick() {
      var seconds = Math.max(0, Math.round((end - Date.now()) / 1000));
      var m = Math.floor(seconds / 60), s = seconds % 60;
      clock.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      if (seconds === 0) { box.classList.add("countdown-over"); window.location.reload(); return; }
      window.setTimeout(tick, 1000);
    }
    tick();
  });
})();
