// The schedule editor's grid: lays out the blocks from their data-* attributes (the CSP
// forbids style attributes in the HTML), and lets the organizer drag a waiting session
// onto a room and a time, move a placed one, or drag its lower edge to resize it. Times
// snap to 5 minutes. Every change is POSTed as JSON (with the CSRF token); the answer is
// announced in the live region and the grid and its conflicts are read again from the
// server. Keyboard and screen-reader users have each session's form (the title links).
(function () {
  "use strict";

  var root = document.getElementById("schedule-editor");
  if (!root) return;
  var status = document.getElementById("sched-status");
  var DRAG_THRESHOLD = 4;
  var busy = false;

  function grid() { return root.querySelector(".sched-grid"); }
  function slotHeight() {
    var col = root.querySelector(".sched-col");
    var g = grid();
    return col ? col.getBoundingClientRect().height / Number(g.dataset.slots) : 11;
  }

  // Layout --------------------------------------------------------------------------
  function place(el, row, span, col) {
    el.style.gridRow = (row + 2) + " / span " + span;
    el.style.gridColumn = String(col + 2);
  }

  function layout() {
    var g = grid();
    if (g) {
      var slots = Number(g.dataset.slots);
      g.style.setProperty("--rooms", g.dataset.rooms);
      g.style.setProperty("--slots", String(slots));
      g.querySelectorAll(".sched-label").forEach(function (label) {
        label.style.gridRow = String(Number(label.dataset.row) + 2);
      });
      g.querySelectorAll(".sched-col").forEach(function (col) {
        col.style.gridRow = "2 / span " + slots;
        col.style.gridColumn = String(Number(col.dataset.col) + 2);
      });
      g.querySelectorAll(".sched-room-head").forEach(function (head) {
        head.style.gridColumn = String(Number(head.dataset.col) + 2);
      });
      g.querySelectorAll(".sched-block").forEach(function (block) {
        var d = block.dataset;
        place(block, Number(d.row), Number(d.span), Number(d.col));
        var lanes = Number(d.lanes) || 1;
        if (lanes > 1) {
          block.style.width = "calc(" + (100 / lanes) + "% - 5px)";
          block.style.marginLeft = "calc(" + (100 * Number(d.lane) / lanes) + "% + 2px)";
        }
      });
    }
    root.querySelectorAll("[data-color]").forEach(function (el) {
      el.style.setProperty("--track", el.dataset.color);
    });
  }

  // Talking to the server -------------------------------------------------------------
  function say(lines, kind) {
    status.className = "sched-status" + (kind ? " is-" + kind : "");
    status.textContent = "";
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      status.appendChild(p);
    });
  }

  function refresh() {
    return fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("sched-live");
        if (fresh) {
          document.getElementById("sched-live").innerHTML = fresh.innerHTML;
          layout();
        }
      });
  }

  function send(payload, title) {
    if (busy) return;
    busy = true;
    root.classList.add("is-busy");
    fetch(root.dataset.placeUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf, Accept: "application/json" },
      body: JSON.stringify(payload)
    })
      .then(function (response) {
        return response.json().catch(function () { return { ok: false, message: root.dataset.failed }; });
      })
      .catch(function () { return { ok: false, message: root.dataset.failed }; })
      .then(function (answer) {
        if (answer.ok) {
          var lines = [(payload.action === "unschedule" ? root.dataset.removed : root.dataset.saved) + " " + title];
          if (answer.conflicts && answer.conflicts.length) {
            lines.push("⚠ " + root.dataset.newConflicts);
            answer.conflicts.forEach(function (c) { lines.push(c.label + ": " + c.message); });
            say(lines, "warning");
          } else {
            if (payload.action !== "unschedule") lines.push("✓ " + root.dataset.noConflicts);
            say(lines, "");
          }
        } else {
          say([answer.message || root.dataset.failed], "error");
        }
        return refresh();
      })
      .then(function () {
        busy = false;
        root.classList.remove("is-busy");
      }, function () {
        busy = false;
        root.classList.remove("is-busy");
      });
  }

  // Dragging --------------------------------------------------------------------------
  var drag = null;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(date) {
    // The grid's own time zone: the day start carries its offset.
    var offset = Number(drag.dayStartOffset);
    var local = new Date(date.getTime() + offset * 60000);
    return pad(local.getUTCHours()) + ":" + pad(local.getUTCMinutes());
  }

  function offsetMinutes(iso) {
    var m = /([+-])(\d\d):?(\d\d)$/.exec(iso);
    if (!m) return 0;
    var minutes = Number(m[2]) * 60 + Number(m[3]);
    return m[1] === "-" ? -minutes : minutes;
  }

  function columnAt(x) {
    var cols = root.querySelectorAll(".sched-col");
    for (var i = 0; i < cols.length; i++) {
      var r = cols[i].getBoundingClientRect();
      if (x >= r.left && x < r.right) return cols[i];
    }
    return null;
  }

  function overWaiting(x, y) {
    var list = root.querySelector(".sched-waiting");
    if (!list) return false;
    var r = list.getBoundingClientRect();
    return x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
  }

  function target(x, y) {
    var g = grid();
    var col = g && columnAt(x);
    if (!col) return null;
    var r = col.getBoundingClientRect();
    if (y < r.top - slotHeight() * 2 || y > r.bottom + slotHeight() * 2) return null;
    var slots = Number(g.dataset.slots);
    var span = drag.span;
    var row = Math.round((y - drag.grabY - r.top) / slotHeight());
    row = Math.max(0, Math.min(slots - Math.min(span, slots), row));
    return { col: Number(col.dataset.col), room: Number(col.dataset.room), roomName: col.dataset.roomName, row: row };
  }

  function startTime(row) {
    var start = new Date(grid().dataset.dayStart);
    return new Date(start.getTime() + row * 5 * 60000);
  }

  function showPreview(spot) {
    var g = grid();
    if (!drag.preview) {
      drag.preview = document.createElement("div");
      drag.preview.className = "sched-preview";
      drag.preview.setAttribute("aria-hidden", "true");
      g.appendChild(drag.preview);
    }
    place(drag.preview, spot.row, drag.span, spot.col);
    var from = startTime(spot.row);
    var to = new Date(from.getTime() + drag.span * 5 * 60000);
    drag.preview.textContent = clock(from) + "–" + clock(to) + " · " + spot.roomName;
  }

  function clearPreview() {
    if (drag && drag.preview) { drag.preview.remove(); drag.preview = null; }
  }

  function begin(event, item, mode) {
    if (busy || event.button !== 0) return;
    var rect = item.getBoundingClientRect();
    var g = grid();
    drag = {
      item: item,
      mode: mode, // "card", "block" or "resize"
      x0: event.clientX,
      y0: event.clientY,
      grabX: event.clientX - rect.left,
      grabY: mode === "card" ? 0 : event.clientY - rect.top,
      span: Math.max(1, Math.round(Number(item.dataset.duration) / 5)),
      dayStartOffset: g ? offsetMinutes(g.dataset.dayStart) : 0,
      moved: false,
      ghost: null,
      preview: null
    };
    event.preventDefault();
    document.addEventListener("pointermove", move);
    document.addEventListener("pointerup", end);
    document.addEventListener("pointercancel", cancel);
  }

  function move(event) {
    if (!drag) return;
    if (!drag.moved) {
      if (Math.abs(event.clientX - drag.x0) + Math.abs(event.clientY - drag.y0) < DRAG_THRESHOLD) return;
      drag.moved = true;
      document.body.classList.add("sched-dragging");
      if (drag.mode !== "resize") {
        drag.ghost = drag.item.cloneNode(true);
        drag.ghost.classList.add("sched-ghost");
        drag.ghost.removeAttribute("data-token");
        drag.ghost.style.width = drag.item.getBoundingClientRect().width + "px";
        drag.ghost.style.setProperty("--track", drag.item.dataset.color || "");
        document.body.appendChild(drag.ghost);
        drag.item.classList.add("sched-source");
      }
    }
    if (drag.mode === "resize") {
      var d = drag.item.dataset;
      var slots = Number(grid().dataset.slots);
      var span = Number(d.span) + Math.round((event.clientY - drag.y0) / slotHeight());
      drag.span = Math.max(1, Math.min(span, slots - Number(d.row), 120));
      place(drag.item, Number(d.row), drag.span, Number(d.col));
      return;
    }
    drag.ghost.style.left = (event.clientX - drag.grabX) + "px";
    drag.ghost.style.top = (event.clientY - drag.grabY) + "px";
    var spot = target(event.clientX, event.clientY);
    var waiting = root.querySelector(".sched-waiting");
    if (spot) showPreview(spot); else clearPreview();
    if (waiting) waiting.classList.toggle("is-drop-target", drag.mode === "block" && !spot && overWaiting(event.clientX, event.clientY));
  }

  function finish() {
    document.removeEventListener("pointermove", move);
    document.removeEventListener("pointerup", end);
    document.removeEventListener("pointercancel", cancel);
    document.body.classList.remove("sched-dragging");
    if (drag.ghost) drag.ghost.remove();
    drag.item.classList.remove("sched-source");
    var waiting = root.querySelector(".sched-waiting");
    if (waiting) waiting.classList.remove("is-drop-target");
    clearPreview();
    if (drag.moved) {
      // The click that ends a drag must not follow the title's link.
      window.addEventListener("click", swallow, { capture: true, once: true });
      setTimeout(function () { window.removeEventListener("click", swallow, true); }, 0);
    }
  }

  function swallow(event) { event.preventDefault(); event.stopPropagation(); }

  function cancel() {
    if (!drag) return;
    var d = drag;
    finish();
    if (d.mode === "resize") layout();
    drag = null;
  }

  function end(event) {
    if (!drag) return;
    var d = drag;
    var item = d.item;
    var title = (item.querySelector("a") || item).textContent.trim();
    var spot = d.moved && d.mode !== "resize" ? target(event.clientX, event.clientY) : null;
    var toWaiting = d.moved && d.mode === "block" && !spot && overWaiting(event.clientX, event.clientY);
    finish();
    drag = null;
    if (!d.moved) return; // a plain click: the title's link does its job
    var base = { token: item.dataset.token, version: Number(item.dataset.version) };
    if (d.mode === "resize") {
      if (d.span * 5 === Number(item.dataset.duration)) return;
      base.room = Number(item.dataset.room);
      base.start = item.dataset.start;
      base.duration = d.span * 5;
      send(base, title);
    } else if (spot) {
      base.room = spot.room;
      base.start = startTime(spot.row).toISOString();
      base.duration = Number(item.dataset.duration);
      send(base, title);
    } else if (toWaiting) {
      base.action = "unschedule";
      send(base, title);
    }
  }

  root.addEventListener("pointerdown", function (event) {
    var handle = event.target.closest(".sched-resize");
    if (handle) { begin(event, handle.closest(".sched-block"), "resize"); return; }
    var block = event.target.closest(".sched-block");
    if (block && !block.classList.contains("sched-ghost")) { begin(event, block, "block"); return; }
    var card = event.target.closest(".sched-card");
    if (card) begin(event, card, "card");
  });
  // Keep the browser's own drag of links and text out of the way.
  root.addEventListener("dragstart", function (event) {
    if (event.target.closest && event.target.closest(".sched-card, .sched-block")) event.preventDefault();
  });

  layout();
})();
