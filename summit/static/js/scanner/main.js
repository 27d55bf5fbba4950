// The door scanner (templates/checkin/scanner.html): wires its parts together and
// starts it. A station phone (token from the link's fragment) or a signed-in door-staff
// account scans with a hand scanner (hand-scanner.js) or the camera (camera.js); each
// scan (scan.js) is asked of the check-in API (api.js) or judged from the offline list
// (offline.js), and shown as a verdict (verdict.js). What the phone keeps is store.js.
import { $, config } from "./page.js";
import { state, takeStationToken } from "./store.js";
import { whenRefused } from "./api.js";
import { clearNotices, renderNotices, renderStatus, renderUndo } from "./status.js";
import { listenVerdict } from "./verdict.js";
import { focusField, listenHandScanner, refocus } from "./hand-scanner.js";
import { keepForOffline, keepSyncing, listenNetwork, sync } from "./offline.js";
import { scan } from "./scan.js";
import { listenCamera } from "./camera.js";
import { listenDialogs } from "./dialogs.js";
import { block, listenForget } from "./blocked.js";

if (config.mode === "station") takeStationToken();
whenRefused(block);

listenVerdict();
listenHandScanner(scan);
listenCamera(scan);
document.addEventListener("visibilitychange", function () {
  if (document.visibilityState !== "hidden") sync();
});
listenDialogs();
$("sc-notices-clear").addEventListener("click", function () {
  clearNotices();
  refocus();
});
listenForget();
listenNetwork();

renderStatus();
renderNotices();
renderUndo();
if (config.mode === "station" && !state.token) {
  block("missing");
} else {
  focusField();
  keepForOffline();
  sync();
  keepSyncing();
}
