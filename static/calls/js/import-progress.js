/* A call import's page: the progress counters follow the running import, asked every second.
 *
 * #import-progress carries data-progress-url (the batch's JSON: status, status_label, finished and the counters)
 * and data-finished. Elements with data-counter="<name>" show a counter, data-field="status_label" the status.
 * When the batch is finished the page reloads once, to show the quality panel and the error report link, which
 * the server renders. Without JavaScript the page shows the state at load and its Refresh link works. */
(function () {
  "use strict";

  var panel = document.getElementById("import-progress");
  if (!panel || panel.getAttribute("data-finished") === "true") {
    return;
  }
  var url = panel.getAttribute("data-progress-url");
  var INTERVAL = 1000;
  var BACK_OFF = 5000;
  // The same digit grouping as the server's rendering ("12 345" in French, "12,345" in English).
  var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function show(data) {
    var counters = panel.querySelectorAll("[data-counter]");
    for (var i = 0; i < counters.length; i += 1) {
      var value = data[counters[i].getAttribute("data-counter")];
      if (typeof value === "number") {
        counters[i].textContent = numbers.format(value);
      }
    }
    var status = panel.querySelector('[data-field="status_label"]');
    if (status && status.textContent !== data.status_label) {
      status.textContent = data.status_label;
    }
    panel.setAttribute("data-status", data.status);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("progress: HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.finished) {
          panel.setAttribute("data-finished", "true");
          window.location.reload();
        } else {
          window.setTimeout(poll, INTERVAL);
        }
      })
      .catch(function () {
        // A lost connection or a restarting server: keep the figures shown and ask again later.
        window.setTimeout(poll, BACK_OFF);
      });
  }

  window.setTimeout(poll, INTERVAL);
})();
