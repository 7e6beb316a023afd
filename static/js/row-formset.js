// Formsets of rows typed into a page (partners of a proposal), marked data-row-formset:
// "Add another" appends a blank row from the formset's empty form in the page, and each
// row gets a "Remove" button that ticks its Delete box, with an Undo. Without this script
// "Add another" is a submit that brings the page back with one row more, and rows are
// removed with their Delete box.
(function () {
  "use strict";

  function setUpRow(row) {
    var remove = row.querySelector("[data-remove-row]");
    var undo = row.querySelector("[data-undo-remove]");
    var body = row.querySelector("[data-row-body]");
    var removed = row.querySelector("[data-row-removed]");
    var deleteBox = row.querySelector('input[type=checkbox][name$="-DELETE"]');
    if (!remove || !deleteBox) {
      return;
    }
    var deleteField = deleteBox.closest(".mb-3, .form-check") || deleteBox;
    deleteField.hidden = true;
    remove.hidden = false;

    function show(isRemoved) {
      deleteBox.checked = isRemoved;
      body.hidden = isRemoved;
      removed.hidden = !isRemoved;
      remove.hidden = isRemoved;
      row.classList.toggle("opacity-75", isRemoved);
      deleteBox.dispatchEvent(new Event("change", { bubbles: true }));
    }
    remove.addEventListener("click", function () {
      show(true);
      undo.focus();
    });
    undo.addEventListener("click", function () {
      show(false);
      remove.focus();
    });
    show(deleteBox.checked);
  }

  document.querySelectorAll("[data-row-formset]").forEach(function (formset) {
    var prefix = formset.dataset.rowFormset;
    var total = formset.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var maximum = formset.querySelector('input[name="' + prefix + '-MAX_NUM_FORMS"]');
    var template = formset.querySelector("template[data-row-template]");
    var rows = formset.querySelector("[data-rows]");
    var add = formset.querySelector("[data-add-row]");
    formset.querySelectorAll("[data-row]").forEach(setUpRow);
    if (!total || !template || !rows || !add) {
      return;
    }
    add.addEventListener("click", function (event) {
      var index = parseInt(total.value, 10);
      if (maximum && index >= parseInt(maximum.value, 10)) {
        return; // the server says why on the submit
      }
      event.preventDefault();
      var html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(index + 1));
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(index + 1);
      setUpRow(row);
      row.dispatchEvent(new CustomEvent("rows:added", { bubbles: true }));
      var first = row.querySelector(".ts-control input, input:not([type=hidden]), select, textarea");
      if (first) {
        first.focus();
      }
    });
  });
})();
