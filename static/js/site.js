/* Behaviour shared by every page. No inline scripts: the CSP allows only files from this site. */
(function () {
  "use strict";
  // Plan-vs-actual bars: widths come from data attributes (CSSOM is allowed by the CSP; style="" is not).
  function clamp(value) {
    var number = parseFloat(value);
    if (isNaN(number)) { return 0; }
    return Math.max(0, Math.min(100, number));
  }
  document.querySelectorAll(".bar").forEach(function (bar) {
    var actual = bar.querySelector(".bar__actual");
    var plan = bar.querySelector(".bar__plan");
    if (actual) { actual.style.width = clamp(bar.dataset.actual) + "%"; }
    if (plan) { plan.style.left = clamp(bar.dataset.planned) + "%"; }
  });
  // Selects marked auto-submit send their form on change.
  document.querySelectorAll("select.auto-submit").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Buttons with data-confirm ask first.
  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.dataset.confirm)) { event.preventDefault(); }
    });
  });
})();
