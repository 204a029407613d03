// The item form: the exclusion decision is shown only while the category is
// Dikecualikan, and the sub-type list offers only the chosen category's
// sub-types. Without JavaScript everything stays visible and the server
// checks the same rules.
(function () {
  "use strict";

  function setUp(form) {
    var category = form.querySelector("select[name=category]");
    var subtype = form.querySelector("select[name=subtype]");
    var section = form.querySelector("[data-exclusion-section]");
    if (!category) {
      return;
    }
    var excluded = section ? section.getAttribute("data-exclusion-section") : "";

    function apply() {
      var chosen = category.value;
      if (section) {
        section.hidden = chosen !== excluded;
      }
      if (!subtype) {
        return;
      }
      Array.prototype.forEach.call(subtype.options, function (option) {
        var own = option.getAttribute("data-category");
        var fits = !own || own === chosen;
        option.hidden = !fits;
        option.disabled = !fits;
      });
      var selected = subtype.options[subtype.selectedIndex];
      if (selected && selected.disabled) {
        subtype.value = "";
      }
    }

    category.addEventListener("change", apply);
    apply();
  }

  Array.prototype.forEach.call(
    document.querySelectorAll("form[data-item-form]"),
    setUp
  );
})();
