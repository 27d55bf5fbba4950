// The personal agenda ("mitt program"): the "Add to my program" buttons and the
// browser-kept agenda page.
//
// Pages with the buttons are the same for every visitor, so the state is set here:
// the agenda_items JSON says whether the visitor is signed in. Signed in: the agenda
// is stored on the account (POST {token, add} with the CSRF token), and an agenda kept
// in this browser before signing in is merged into it once, then forgotten here.
// Others: the agenda lives in localStorage under a key per event.
(function () {
  "use strict";

  var buttons = Array.prototype.slice.call(document.querySelectorAll(".agenda-toggle"));
  var browserAgenda = document.getElementById("agenda-browser");
  var accountAgenda = document.getElementById("agenda-account");
  var first = buttons[0] || browserAgenda || accountAgenda;
  if (!first) return;

  var itemsUrl = first.dataset.agendaUrl;
  var storageKey = "summit.agenda." + first.dataset.event;
  var state = { signedIn: false, csrf: "", tokens: [] };
  var status = null;

  function readLocal() {
    try {
      var value = JSON.parse(window.localStorage.getItem(storageKey) || "[]");
      return Array.isArray(value) ? value.filter(function (t) { return typeof t === "string"; }) : [];
    } catch (e) {
      return [];
    }
  }

  function writeLocal(tokens) {
    try {
      if (tokens.length) window.localStorage.setItem(storageKey, JSON.stringify(tokens));
      else window.localStorage.removeItem(storageKey);
    } catch (e) { /* private mode or full: the choice lasts for this page only */ }
  }

  function has(token) { return state.tokens.indexOf(token) !== -1; }

  function announce(text) {
    if (!status) {
      status = document.createElement("div");
      status.setAttribute("role", "status");
      status.className = "visually-hidden";
      document.body.appendChild(status);
    }
    status.textContent = text;
  }

  function render() {
    buttons.forEach(function (button) {
      var on = has(button.dataset.token);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.classList.toggle("button-secondary", !on);
      button.querySelector(".agenda-toggle-label").textContent =
        on ? button.dataset.labelOn : button.dataset.labelOff;
      button.parentElement.hidden = false;
    });
    if (browserAgenda && !state.signedIn) renderBrowserAgenda();
  }

  // The page lists every session hidden; show the chosen ones, and offer them as .ics.
  function renderBrowserAgenda() {
    var shown = [];
    browserAgenda.querySelectorAll(".agenda-item").forEach(function (item) {
      // Once shown, an item stays until the page is left: unpressing it can be undone.
      if (has(item.dataset.token)) item.hidden = false;
      if (!item.hidden && has(item.dataset.token)) shown.push(item.dataset.token);
    });
    browserAgenda.querySelector(".agenda-empty").hidden = shown.length > 0;
    var download = browserAgenda.querySelector(".agenda-download");
    download.hidden = shown.length === 0;
    download.querySelector("a").href =
      browserAgenda.dataset.icsUrl + "?sessions=" + encodeURIComponent(shown.join(","));
  }

  function post(body) {
    return fetch(itemsUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": state.csrf
      },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.message || data.error || response.status);
        return data;
      });
    });
  }

  function toggle(button) {
    var token = button.dataset.token;
    var add = !has(token);
    if (!state.signedIn) {
      state.tokens = add ? state.tokens.concat([token])
                         : state.tokens.filter(function (t) { return t !== token; });
      writeLocal(state.tokens);
      render();
      return;
    }
    button.disabled = true;
    post({ token: token, add: add })
      .then(function (data) { state.tokens = data.tokens; render(); })
      .catch(function (error) { announce(button.dataset.error + " " + error.message); })
      .then(function () { button.disabled = false; button.focus(); });
  }

  function start(data) {
    if (data && data.signed_in) {
      state.signedIn = true;
      state.csrf = data.csrf_token || "";
      state.tokens = data.tokens || [];
      var kept = readLocal();
      if (kept.length) {
        return post({ merge: kept }).then(function (merged) {
          var grew = merged.tokens.length > state.tokens.length;
          state.tokens = merged.tokens;
          writeLocal([]);
          // The account's agenda page is rendered by the server: show what was merged.
          if (accountAgenda && grew) window.location.reload();
        }).catch(function () { /* keep them here; try again on the next page */ });
      }
    } else {
      state.tokens = readLocal();
    }
    return null;
  }

  fetch(itemsUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .catch(function () { return null; })
    .then(start)
    .then(function () {
      buttons.forEach(function (button) {
        button.addEventListener("click", function () { toggle(button); });
      });
      render();
    });
})();
