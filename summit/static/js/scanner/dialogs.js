// The dialogs: find someone by name (and check them in, or undo), undo a check-in, and
// the menu (where this phone scans, the list to scan on, upload now).
import { $, anyDialogOpen, config, dialogs, el, noop, T, t } from "./page.js";
import { forgetDoor, save, state } from "./store.js";
import { api } from "./api.js";
import { clock, renderStatus, renderUndo, toast } from "./status.js";
import { focusField } from "./hand-scanner.js";
import { likelyOffline, remember, setOnline, sha256, sync, unqueue } from "./offline.js";
import { scan } from "./scan.js";

function openDialog(dialog) {
  if (!dialog.open) dialog.showModal();
}

// Find by name -----------------------------------------------------------------------------

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
  var ticket = { ticket_id: hit.ticket_id, name: hit.name };
  var button = hit.state === "ok"
    ? resultAction("sc-check-in", T.check_in, function () { scan(null, ticket); })
    : hit.state === "already_checked_in"
      ? resultAction("sc-secondary", T.undo, function () { askUndo(ticket); })
      : null;
  if (button) {
    button.setAttribute("aria-label", button.textContent + ": " + (hit.name || hit.email));
    item.appendChild(button);
  }
  return item;
}

// A result's button closes the search, then acts.
function resultAction(className, text, act) {
  var button = document.createElement("button");
  button.className = "sc-action " + className;
  button.textContent = text;
  button.type = "button";
  button.addEventListener("click", function () {
    el.search.close();
    act();
  });
  return button;
}

function listenSearch() {
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
}

// Undo ------------------------------------------------------------------------------------

var undoTarget = null;
function askUndo(target) {
  undoTarget = target;
  el.undoText.textContent = t("undo_confirm", { name: target.name });
  openDialog(el.undo);
  $("sc-undo-confirm").focus();
}

function listenUndo() {
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
    if (target.queued && unqueue(target.nonce)) {
      forgetLast();
      toast(t("undone", { name: target.name }));
      return;
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
}

// Menu ------------------------------------------------------------------------------------

function listenMenu() {
  $("sc-menu-open").addEventListener("click", function () { openDialog(el.menu); });
  $("sc-sync-now").addEventListener("click", function () {
    el.menu.close();
    state.lastFailure = 0;
    sync(true);
  });
  if (!el.listChoice) return; // door-staff accounts choose the list they scan on
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
    forgetDoor();
    renderStatus();
    sync(true);
  });
}

export function listenDialogs() {
  document.querySelectorAll("dialog [data-close]").forEach(function (button) {
    button.addEventListener("click", function () { button.closest("dialog").close(); });
  });
  dialogs.forEach(function (dialog) {
    // Back to the field, not to the button that opened the dialog: the next ticket is
    // what comes next at a door.
    dialog.addEventListener("close", function () {
      window.setTimeout(function () {
        if (!state.blocked && !anyDialogOpen()) focusField();
      }, 0);
    });
  });
  listenSearch();
  listenUndo();
  listenMenu();
}
