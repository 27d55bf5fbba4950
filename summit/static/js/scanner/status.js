// What the page says about itself: the status bar (network, queue, door, list), the
// menu's facts, notices that stay until dismissed, short toasts, the undo button, and
// times as the door reads them.
import { $, config, el, T, t } from "./page.js";
import { save, state } from "./store.js";

export function clock(iso, withDay) {
  var moment = typeof iso === "number" ? new Date(iso) : new Date(iso || 0);
  if (isNaN(moment.getTime())) return "";
  var options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  var zone = config.timezone || (state.door && state.door.event && state.door.event.timezone);
  if (zone) options.timeZone = zone;
  var today = new Date().toDateString() === moment.toDateString();
  if (withDay && !today) { options.day = "numeric"; options.month = "short"; }
  try {
    return new Intl.DateTimeFormat(document.documentElement.lang || undefined, options).format(moment);
  } catch (e) {
    return moment.toLocaleTimeString();
  }
}

export function renderStatus() {
  var online = state.online && navigator.onLine !== false;
  el.bar.classList.toggle("is-offline", !online);
  el.net.setAttribute("data-state", online ? "online" : "offline");
  el.netText.textContent = online ? T.online : T.offline;
  var waiting = state.queue.length;
  el.queue.setAttribute("data-count", String(waiting));
  el.queue.textContent = waiting ? t("queued", { n: waiting }) : T.all_uploaded;
  var door = state.door;
  el.door.textContent = door ? door.door + (door.list ? " · " + door.list.name : "") : "";
  el.listAge.textContent = state.offlineList
    ? t("list_from", { time: clock(state.offlineList.fetched_at) }) : T.no_list;
  $("sc-fact-event").textContent = door && door.event ? door.event.name : (config.event || "–");
  $("sc-fact-door").textContent = door ? door.door : "–";
  $("sc-fact-list").textContent = door && door.list ? door.list.name : "–";
  $("sc-fact-offline").textContent = state.offlineList
    ? t("list_fact", { time: clock(state.offlineList.fetched_at, true), n: Object.keys(state.offlineList.entries).length })
    : T.no_list;
}

export function renderNotices() {
  el.noticeList.textContent = "";
  state.notices.forEach(function (text) {
    var item = document.createElement("li");
    item.textContent = text;
    el.noticeList.appendChild(item);
  });
  el.notices.hidden = state.notices.length === 0;
}

export function notice(text) {
  state.notices.push(text);
  save("notices", state.notices);
  renderNotices();
}

export function clearNotices() {
  state.notices = [];
  save("notices", null);
  renderNotices();
}

var toastTimer = null;
export function toast(text) {
  el.toast.textContent = text;
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(function () { el.toast.textContent = ""; }, 5000);
}

export function renderUndo() {
  var last = state.lastCheckin;
  el.undoOpen.hidden = !last;
  if (last) el.undoOpen.textContent = t("undo_last", { name: last.name });
}
