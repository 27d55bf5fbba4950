// The public program's filters: a GET form that works without JavaScript. With it,
// empty choices are left out of the address, so shared links stay short. (No
// automatic submit on change: choosing a value never moves the page by itself.)
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-filters]");
  forms.forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("select").forEach(function (select) {
        select.disabled = select.value === "";
      });
    });
  });
  // Back to the page from the browser's cache: the selects must work again.
  window.addEventListener("pageshow", function () {
    forms.forEach(function (form) {
      form.querySelectorAll("select").forEach(function (select) { select.disabled = false; });
    });
  });
})();
