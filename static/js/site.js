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
(function () {
  "use strict";
  // A table wider than the screen scrolls inside its wrapper: make the wrapper reachable with Tab,
  // so that people without a mouse can scroll it too (WCAG 2.1.1; axe's scrollable-region-focusable).
  function focusableScrollers() {
    document.querySelectorAll(".table-wrap, .p-scroll, .letter__table, .pack table.list").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) { wrap.tabIndex = 0; } else { wrap.removeAttribute("tabindex"); }
    });
  }
  focusableScrollers();
  window.addEventListener("resize", focusableScrollers);
})();
