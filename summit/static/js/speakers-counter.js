// Characters left in a text area with a limit (abstract, bio): the hint under the field
// counts as you type, and a screen reader hears the count once typing pauses. Nothing
// stops typing or pasting past the limit: the count says how much to cut, and the
// server refuses a text that is too long either way. Without JavaScript the hint simply
// says the limit.
(function () {
  "use strict";
  var fields = document.querySelectorAll("[data-counter]");
  if (!fields.length) return;
  var announcer = document.createElement("div");
  announcer.className = "visually-hidden";
  announcer.setAttribute("aria-live", "polite");
  document.body.appendChild(announcer);

  fields.forEach(function (field) {
    var counter = document.getElementById(field.getAttribute("data-counter"));
    if (!counter) return;
    var max = parseInt(counter.getAttribute("data-max"), 10);
    var timer = null;
    function text() {
      // Line breaks are sent as \r\n but stored as one character, as counted here.
      var left = max - field.value.length;
      var template = counter.getAttribute(left < 0 ? "data-over" : "data-left");
      return { text: template.replace("{n}", String(Math.abs(left))), over: left < 0 };
    }
    function update(announce) {
      var state = text();
      counter.textContent = state.text;
      counter.classList.toggle("counter-over", state.over);
      if (announce) {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () { announcer.textContent = state.text; }, 1000);
      }
    }
    field.addEventListener("input", function () { update(true); });
    update(false);
  });
})();
