// The decision table: a "select all" box in the header (shown only when this script
// runs; without it every row is ticked one by one) and the number ticked.
(function () {
  "use strict";
  var table = document.querySelector(".decision-table");
  if (!table) return;
  var all = table.querySelector(".select-all");
  var rows = Array.prototype.slice.call(table.querySelectorAll(".select-row"));
  var actions = document.querySelector(".bulk-actions");
  var count = document.createElement("p");
  count.className = "selected-count";
  count.setAttribute("aria-live", "polite");
  if (actions) actions.insertBefore(count, actions.querySelector(".bulk-row"));
  var template = actions ? actions.getAttribute("data-count-text") || "{n}" : "{n}";

  function update() {
    var ticked = rows.filter(function (box) { return box.checked; }).length;
    if (all) {
      all.checked = ticked > 0 && ticked === rows.length;
      all.indeterminate = ticked > 0 && ticked < rows.length;
    }
    count.textContent = template.replace("{n}", String(ticked));
  }

  if (all) {
    all.hidden = false;
    all.addEventListener("change", function () {
      rows.forEach(function (box) { box.checked = all.checked; });
      update();
    });
  }
  rows.forEach(function (box) { box.addEventListener("change", update); });
  update();
})();
