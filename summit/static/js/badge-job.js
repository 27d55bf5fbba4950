// A print run's page: asks the server how far the run has come every second or two and
// shows it (the bar, "312 of 1000", the status), then the download link when it is done.
// Without this script the page reloads itself (<noscript> refresh).
(function () {
  "use strict";
  var box = document.getElementById("badge-job");
  if (!box || !window.fetch || box.getAttribute("data-finished") === "true") return;
  var url = box.getAttribute("data-status-url");
  var status = document.getElementById("job-status");
  var count = document.getElementById("job-count");
  var bar = document.getElementById("job-bar");
  var error = document.getElementById("job-error");
  var errorText = document.getElementById("job-error-text");
  var hint = document.getElementById("job-hint");
  var download = document.getElementById("job-download");
  var link = document.getElementById("job-download-link");
  var delay = 1000;

  function show(state) {
    if (status.textContent !== state.label) {
      status.textContent = state.label;
      status.className = "badge badge-job-" + state.status;
    }
    if (count.textContent !== state.text) count.textContent = state.text;
    bar.max = Math.max(state.total, 1);
    bar.value = state.done;
    bar.textContent = state.text;
    if (hint.textContent !== state.hint) hint.textContent = state.hint;
    hint.hidden = !state.hint;
    if (state.error) {
      errorText.textContent = state.error;
      error.hidden = false;
    }
    if (state.download) {
      link.href = state.download;
      download.hidden = false;
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (state) {
        show(state);
        if (!state.finished) window.setTimeout(poll, delay);
      })
      .catch(function () {
        // A network hiccup: try again, less often.
        delay = Math.min(delay * 2, 15000);
        window.setTimeout(poll, delay);
      });
  }
  window.setTimeout(poll, delay);
})();
