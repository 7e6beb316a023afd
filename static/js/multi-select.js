// Multiple selects marked data-multi-select (partnerships/partners/widgets.py) become Tom
// Select boxes: type to search the options, the chosen ones shown in the box with a remove
// button each. The texts come from data attributes, in the page's language. Without this
// script the plain multiple select still works, as its help text explains.
(function () {
  "use strict";
  if (typeof window.TomSelect !== "function") {
    return;
  }

  function message(text) {
    var element = document.createElement("div");
    element.className = "no-results";
    element.textContent = text;
    return element;
  }

  document.querySelectorAll("select[multiple][data-multi-select]").forEach(function (select) {
    var data = select.dataset;
    var picker = new window.TomSelect(select, {
      plugins: { remove_button: { title: data.remove } },
      maxOptions: null,
      hidePlaceholder: true,
      closeAfterSelect: true,
      render: {
        no_results: function () { return message(data.noResults); },
      },
    });
    // Tom Select's box, which takes the label, is what people use: the original select
    // stays only to submit the choice, out of the tab order and hidden from assistive
    // technology (else a second, unlabelled control).
    select.setAttribute("aria-hidden", "true");
    var help = document.getElementById(select.id + "_helptext");
    if (help && data.help) {
      help.textContent = data.help;
    }
    // Typing a search is not a change to the form (unsaved-changes.js listens for input).
    picker.control_input.addEventListener("input", function (event) {
      event.stopPropagation();
    });
  });
})();
