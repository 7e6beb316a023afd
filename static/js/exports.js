// The exports page while an export is being made: its progress is read every few
// seconds from the status endpoint and shown in place. When an export finishes (or
// fails) the page reloads, to show its file or what went wrong. Without JavaScript the
// page reloads itself instead (a meta refresh in a noscript element).
(function () {
  "use strict";
  var table = document.getElementById("exports");
  if (!table || !table.dataset.statusUrl) { return; }
  var url = table.dataset.statusUrl;
  var every = (parseInt(table.dataset.refresh, 10) || 3) * 1000;

  function field(row, name) { return row.querySelector('[data-field="' + name + '"]'); }

  function show(exports) {
    var reload = false;
    exports.forEach(function (job) {
      var row = table.querySelector('tr[data-export-id="' + job.id + '"]');
      if (!row) { return; }
      if (row.dataset.status !== job.status && (job.status === "done" || job.status === "failed")) {
        reload = true;
        return;
      }
      row.dataset.status = job.status;
      var status = field(row, "status_label");
      if (status) { status.textContent = job.status_label; }
      var rows = field(row, "rows_text");
      if (rows) { rows.textContent = job.rows_text; }
      var left = field(row, "time_left");
      if (left) { left.textContent = job.time_left; }
      var bar = field(row, "bar");
      if (bar && job.percent !== null) { bar.value = job.percent; bar.textContent = job.percent; }
    });
    return reload;
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        if (show(data.exports)) { window.location.reload(); return; }
        if (data.running) { window.setTimeout(poll, every); }
      })
      .catch(function () { window.setTimeout(poll, every * 4); });  // e.g. a restart: try later
  }

  window.setTimeout(poll, every);
})();
