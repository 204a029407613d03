// Tables that scroll sideways on a phone must be reachable by keyboard
// (WCAG 2.1.1, axe "scrollable-region-focusable"); the templates mark the
// ones they name themselves, this marks the rest, including those htmx swaps in.
(function () {
  "use strict";
  function markScrollBoxes(root) {
    root.querySelectorAll(".table-responsive:not([tabindex])").forEach(function (box) {
      box.setAttribute("tabindex", "0");
      if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
        var caption = box.querySelector("caption");
        if (caption) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", caption.textContent.trim());
        }
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { markScrollBoxes(document); });
  document.addEventListener("htmx:afterSettle", function (event) { markScrollBoxes(event.target); });
})();
