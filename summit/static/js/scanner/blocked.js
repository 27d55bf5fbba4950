// Blocked: the station link is revoked or wrong, or the account cannot scan. Nothing
// else to do on this page then; it says why and what to do, and how many scans still
// wait to be uploaded.
import { $, config, dialogs, el, T, t } from "./page.js";
import { forgetStation, state } from "./store.js";
import { stopCamera } from "./camera.js";
import { clearBadge } from "./verdict.js";

export function block(kind) {
  state.blocked = true;
  stopCamera();
  dialogs.forEach(function (d) { if (d.open) d.close(); });
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

// "Forget this station on this phone": in the menu, and on the revoked screen.
export function listenForget() {
  var forget = function () {
    forgetStation();
    block("missing");
  };
  if ($("sc-menu-forget")) $("sc-menu-forget").addEventListener("click", forget);
  $("sc-forget").addEventListener("click", forget);
}
