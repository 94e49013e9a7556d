/* The reports page: while reports are queued or running, their status, step and progress follow the worker,
 * asked every 2 seconds.
 *
 * #report-live carries data-status-url (JSON: {reports: [{id, status, status_label, step_label, progress,
 * finished, error}], pending}) and is an aria-live="polite" region. Each row is tr[data-report=<id>] with
 * data-field="status_label" / "step_label" / "progress". Once every report shown is finished the page reloads
 * once, to show the download links and errors the server renders. Without JavaScript the Refresh link works. */
(function () {
  "use strict";

  var live = document.getElementById("report-live");
  if (!live || live.getAttribute("data-pending") !== "true") {
    return;
  }
  var url = live.getAttribute("data-status-url");
  var INTERVAL = 2000;
  var BACK_OFF = 10000;

  function pendingIds() {
    var ids = [];
    var rows = live.querySelectorAll("tr[data-report]");
    for (var i = 0; i < rows.length; i += 1) {
      var status = rows[i].getAttribute("data-status");
      if (status === "queued" || status === "running") {
        ids.push(rows[i].getAttribute("data-report"));
      }
    }
    return ids;
  }

  function setText(row, field, text) {
    var element = row.querySelector('[data-field="' + field + '"]');
    if (element && element.textContent !== text) {
      element.textContent = text;
    }
  }

  function show(report) {
    var row = live.querySelector('tr[data-report="' + report.id + '"]');
    if (!row) {
      return;
    }
    row.setAttribute("data-status", report.status);
    setText(row, "status_label", report.status_label);
    setText(row, "step_label", report.finished ? "" : report.step_label + " (" + report.progress + " %)");
    var bar = row.querySelector('[data-field="progress"]');
    if (bar) {
      bar.value = report.progress;
      bar.textContent = report.progress + " %";
    }
  }

  function poll() {
    var ids = pendingIds();
    if (!ids.length) {
      window.location.reload();
      return;
    }
    var query = ids.map(function (id) { return "id=" + encodeURIComponent(id); }).join("&");
    fetch(url + "?" + query, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status: HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        data.reports.forEach(show);
        if (!data.pending) {
          live.setAttribute("data-pending", "false");
          window.location.reload();
        } else {
          window.setTimeout(poll, INTERVAL);
        }
      })
      .catch(function () {
        // A lost connection or a restarting server: keep what is shown and ask again later.
        window.setTimeout(poll, BACK_OFF);
      });
  }

  window.setTimeout(poll, INTERVAL);
})();
