// A button with data-copy-target="ID" copies that field's text. Kept in a
// static file (no inline script); without JavaScript or the clipboard the
// field is still there to select and copy by hand.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) {
      return;
    }
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    if (!field) {
      return;
    }
    field.select();
    if (!navigator.clipboard) {
      return;
    }
    navigator.clipboard.writeText(field.value).then(function () {
      var done = button.getAttribute("data-copied-label");
      if (done) {
        button.textContent = done;
      }
    });
  });
})();
