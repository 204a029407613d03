// A text box with data-facet-filter="ID" hides the entries of list ID whose
// text does not contain what is typed. Delegated from the document, so it
// keeps working when htmx swaps the results (and the list) in; without
// JavaScript the whole list is there to scroll.
(function () {
  "use strict";

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  document.addEventListener("input", function (event) {
    var box = event.target.closest("[data-facet-filter]");
    if (!box) {
      return;
    }
    var list = document.getElementById(box.getAttribute("data-facet-filter"));
    if (!list) {
      return;
    }
    var wanted = fold(box.value.trim());
    var shown = 0;
    list.querySelectorAll("li").forEach(function (entry) {
      var match = !wanted || fold(entry.textContent).indexOf(wanted) !== -1;
      entry.hidden = !match;
      if (match) {
        shown += 1;
      }
    });
    var none = document.getElementById(box.getAttribute("data-facet-filter") + "-none");
    if (none) {
      none.hidden = shown > 0;
    }
  });
})();
