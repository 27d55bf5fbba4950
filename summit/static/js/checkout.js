// Shows the invoice fields only when invoice is the chosen way to pay. Without
// JavaScript they are simply always shown; the server checks them either way.
(function () {
  "use strict";
  var box = document.querySelector(".invoice-fields");
  var radios = document.querySelectorAll('input[name="method"]');
  if (!box || !radios.length) return;
  function update() {
    var chosen = document.querySelector('input[name="method"]:checked');
    box.hidden = !(chosen && chosen.value === "invoice");
  }
  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
})();
