// Moves the progress bar of a CSV import job (or of a month being computed,
// which has no counts: its bar stays indeterminate) by polling its status
// endpoint. Kept in a static file (no inline script) so a
// Content-Security-Policy can forbid inline code; without JavaScript the page
// refreshes itself instead.
(function () {
  "use strict";

  var box = document.getElementById("import-progress");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("import-progress-bar");
  var text = document.getElementById("import-progress-text");
  var interval = 1500;
  var delay = interval;

  function show(data) {
    bar.max = Math.max(data.rows_total || 0, 1);
    if (data.phase === "checking") {
      bar.value = data.rows_checked;
    } else {
      // Queued or writing: no count to show, so the bar is indeterminate.
      bar.removeAttribute("value");
    }
    bar.textContent = (data.percent || 0) + "%";
    text.textContent = data.message;
  }

  function poll() {
    fetch(url, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        if (data.finished) {
          // The server renders the result or the per-row report.
          window.location.reload();
          return;
        }
        show(data);
        delay = interval;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        // A dropped connection or a restarting server: back off, keep trying.
        delay = Math.min(delay * 2, 30000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
