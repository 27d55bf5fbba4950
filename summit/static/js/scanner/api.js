// The check-in JSON API, as a station (bearer token) or as a signed-in door-staff
// account (session cookie and CSRF token). Anything that is not an answer, a 5xx or a
// refusal of who we are rejects with Offline: the callers then judge on the phone.
import { config, noop } from "./page.js";
import { state } from "./store.js";

export function Offline(reason) { this.reason = reason; }

// The station link revoked, the sign-in ended, the account without the role.
var onRefused = noop;
export function whenRefused(handler) { onRefused = handler; }

function refused(status) {
  if (config.mode === "station") onRefused(state.token ? "revoked" : "missing");
  else onRefused(status === 401 || status === 400 ? "ended" : "refused");
}

export function api(method, path, body, timeout, params) {
  var headers = { Accept: "application/json" };
  params = params || {};
  if (config.mode === "station") headers.Authorization = "Bearer " + state.token;
  if (config.mode === "account") {
    if (state.list != null) {
      if (method === "GET") params.list = state.list;
      else body = Object.assign({ list: state.list }, body || {});
    }
    if (method !== "GET") headers["X-CSRFToken"] = config.csrf;
  }
  var query = Object.keys(params).map(function (k) {
    return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]);
  }).join("&");
  if (body) headers["Content-Type"] = "application/json";
  var controller = window.AbortController ? new AbortController() : null;
  var timer = controller ? window.setTimeout(function () { controller.abort(); }, timeout || 8000) : null;
  return window.fetch(config.api + path + (query ? "?" + query : ""), {
    method: method,
    headers: headers,
    body: body ? JSON.stringify(body) : undefined,
    credentials: config.mode === "account" ? "same-origin" : "omit",
    cache: "no-store",
    signal: controller ? controller.signal : undefined,
  }).then(function (response) {
    return response.json().catch(function () { return null; }).then(function (data) {
      if (response.status >= 500) throw new Offline("server " + response.status);
      if (response.status === 401 || response.status === 403 ||
          (response.status === 400 && data && data.error === "csrf")) {
        refused(response.status);
        throw new Offline("refused");
      }
      return { status: response.status, data: data || {} };
    });
  }, function (error) {
    throw new Offline(error && error.name);
  }).finally(function () { if (timer) window.clearTimeout(timer); });
}
