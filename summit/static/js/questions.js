// Shows a registration question only while its condition is met: the question it
// depends on (data-condition, a field name) has the answer data-condition-value (for
// several choices: among them). Without JavaScript every question shows with its
// condition in words, and the server ignores answers whose condition is not met.
(function () {
  "use strict";
  var dependent = document.querySelectorAll("[data-condition]");
  if (!dependent.length) return;

  function answers(name) {
    var chosen = [];
    document.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) chosen.push(input.value);
      } else if (input.value) {
        chosen.push(input.value);
      }
    });
    return chosen;
  }

  function shown(box) {
    if (box.hidden) return false;
    var name = box.getAttribute("data-condition");
    var holder = document.querySelector('[name="' + name + '"]');
    var parentBox = holder ? holder.closest("[data-condition]") : null;
    if (parentBox && parentBox !== box && parentBox.hidden) return false;
    return answers(name).indexOf(box.getAttribute("data-condition-value")) !== -1;
  }

  function update() {
    // Twice, so a question depending on a question that just became hidden hides too.
    for (var round = 0; round < 2; round++) {
      dependent.forEach(function (box) {
        box.hidden = false;
        box.hidden = !shown(box);
        var when = box.querySelector(".question-when");
        if (when) when.hidden = true; // shown only when it applies: the words are not needed
      });
    }
  }

  document.addEventListener("change", function (event) {
    if (event.target.name) update();
  });
  update();
})();
