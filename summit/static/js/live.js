// Keeps a page's figures live: every few seconds the element #live is replaced by the
// same element of a fresh copy of the page, while the tab is visible. The update
// can be paused (WCAG 2.2.1); screen readers are not interrupted (no aria-live on the
// whole table), the "Updated" line says when the figures are from.
(function () {
  "use strict";
  var live = document.getElementById("live");
  var state = document.getElementById("live-state");
  var toggle = document.getElementById("live-toggle");
  if (!live || !window.fetch || !window.DOMParser) return;
  var seconds = parseInt(live.getAttribute("data-live-seconds"), 10) || 15;
  var paused = false;
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    paused = !paused;
    toggle.textContent = toggle.getAttribute(paused ? "data-resume" : "data-pause");
    toggle.setAttribute("aria-pressed", paused ? "true" : "false");
  });
  function update() {
    if (paused || document.visibilityState !== "visible") return;
    fetch(window.location.href, { credentials: "same-origin", headers: { "X-Requested-With": "live" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var next = fresh.getElementById("live");
        var nextState = fresh.getElementById("live-state");
        if (next) live.innerHTML = next.innerHTML;
        if (nextState && state) state.textContent = nextState.textContent;
      })
      .catch(function () { /* keep the last figures; the next round tries again */ });
  }
  window.setInterval(update, seconds * 1000);
})();
