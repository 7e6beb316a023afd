// Live scores while the assessor answers: the server's scoring engine computes them
// from the answers on screen (nothing is saved). Without JavaScript the form still
// works and the scores update on save.
(function () {
  "use strict";
  var form = document.getElementById("assessment-form");
  if (!form || !window.fetch) { return; }
  var timer = null;

  function refresh() {
    var data = new FormData(form);
    Array.from(data.keys()).forEach(function (key) {
      if (data.get(key) instanceof File) { data.delete(key); }
    });
    fetch(form.dataset.previewUrl, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (scores) {
        if (!scores) { return; }
        Object.keys(scores.principles).forEach(function (key) {
          var cell = document.querySelector('[data-score="' + key + '"]');
          if (cell) { cell.textContent = scores.principles[key]; }
        });
        document.querySelectorAll('[data-score="overall"], [data-score="overall-mobile"]').forEach(function (cell) {
          cell.textContent = scores.overall;
        });
        document.querySelector('[data-score="coverage"]').textContent = scores.coverage;
        var outcome = document.querySelector('[data-score="outcome"]');
        outcome.textContent = scores.outcome;
        outcome.className = "badge " + ({
          engage: "text-bg-success", engage_with_conditions: "text-bg-warning",
          do_not_engage: "text-bg-danger", incomplete: "text-bg-secondary"
        }[scores.outcome_value] || "text-bg-secondary");
        document.querySelector('[data-score="key-failures"]').textContent = scores.key_failures.join(", ");
        document.querySelector('[data-score-block="key-failures"]').classList.toggle("d-none", !scores.key_failures.length);
      })
      .catch(function () { /* offline: the scores update on save */ });
  }

  form.addEventListener("change", function (event) {
    var target = event.target;
    // "Not applicable" and a rating exclude each other.
    if (target.matches("[data-na]") && target.checked) {
      var fieldset = target.closest("fieldset");
      fieldset.querySelectorAll('input[type=radio][value=""]').forEach(function (radio) { radio.checked = true; });
    } else if (target.type === "radio" && target.value !== "") {
      var na = target.closest("fieldset").querySelector("[data-na]");
      if (na) { na.checked = false; }
    }
    if (target.type === "file") { return; }
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
})();
