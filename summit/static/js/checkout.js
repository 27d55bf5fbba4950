// Shows the invoice fields only when invoice is the chosen way to pay. Without
// JavaScript they are simply always shown; the server checks them either way.
(function () {
  "use strict";
  var box = document.querySelector(".invoice-fields");
  var radios = document.querySelectorAll('input[name="method"]');
  if (!box || !radios.length) return;
  var button = document.querySelector("button[data-invoice-label]");
  var paymentLabel = button ? button.textContent : "";
  function update() {
    var chosen = document.querySelector('input[name="method"]:checked');
    var invoice = Boolean(chosen && chosen.value === "invoice");
    box.hidden = !invoice;
    if (button) button.textContent = invoice ? button.getAttribute("data-invoice-label") : paymentLabel;
  }
  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
})();
