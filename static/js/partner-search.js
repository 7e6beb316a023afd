// Partner pickers (partnerships/partners/widgets.py): a select that holds only the
// chosen partner becomes a Tom Select box asking the server as the user types. The
// texts come from data attributes, rendered in the page's language. Without this
// script (or Tom Select) the plain select still submits the current choice.
(function () {
  "use strict";
  if (typeof window.TomSelect !== "function") {
    return;
  }

  function message(text, className) {
    var element = document.createElement("div");
    element.className = className;
    element.textContent = text;
    return element;
  }

  function setUp(select) {
    var data = select.dataset;
    var minChars = parseInt(data.minChars, 10) || 2;
    var pending = null;
    var failed = false;
    var answered = {};  // ids of the partners of the latest answer
    var hasEmptyChoice = select.querySelector('option[value=""]') !== null;

    var picker = new window.TomSelect(select, {
      valueField: "id",
      labelField: "text",
      searchField: ["text"],
      // The server matched the words (other names too): offer its latest answer, in its
      // order, and nothing else (not the chosen partner when it does not match).
      score: function () {
        return function (option) { return answered[String(option.id)] ? 1 : 0; };
      },
      maxOptions: 20,
      placeholder: data.placeholder,
      // The empty choice is no option to pick: clearing the box submits it.
      allowEmptyOption: false,
      loadThrottle: 300,
      shouldLoad: function (query) { return query.trim().length >= minChars; },
      load: function (query, callback) {
        var self = this;
        if (pending) {
          pending.abort();
        }
        pending = new AbortController();
        failed = false;
        var url = new URL(data.searchUrl, window.location.href);
        url.searchParams.set("q", query);
        fetch(url, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
          signal: pending.signal,
        })
          .then(function (response) {
            if (!response.ok) {
              throw new Error("HTTP " + response.status);
            }
            return response.json();
          })
          .then(function (body) {
            answered = {};
            body.results.forEach(function (result) { answered[String(result.id)] = true; });
            self.clearOptions();  // keeps the chosen partner
            callback(body.results);
          })
          .catch(function (error) {
            if (error.name === "AbortError") {
              // A newer search replaced this one; Tom Select counts every load that
              // started, so this one must answer too (with nothing).
              callback();
              return;
            }
            failed = true;
            answered = {};
            self.clearOptions();
            callback();
          });
      },
      plugins: hasEmptyChoice ? { clear_button: { title: data.clear } } : {},
      render: {
        item: function (partner) {
          var element = message(partner.text, "item");
          element.title = partner.text;
          return element;
        },
        not_loading: function () { return message(data.typeMore, "no-results"); },
        loading: function () { return message(data.loading, "no-results"); },
        no_results: function () {
          return message(failed ? data.failed : data.noResults, "no-results");
        },
      },
    });

    // Tom Select's box, which takes the label, is what people use: the original select
    // stays only to submit the choice, out of the tab order and hidden from assistive
    // technology (else a second, unlabelled control).
    select.setAttribute("aria-hidden", "true");
    // While a search is typed it replaces the chosen name in the box (app.css); leaving
    // the box drops an unfinished search and shows the chosen partner again.
    function searching(query) {
      picker.wrapper.classList.toggle("is-searching", query.length > 0);
    }
    picker.on("type", searching);
    picker.on("item_add", function () {
      picker.setTextboxValue("");
      searching("");
    });
    picker.on("blur", function () {
      picker.setTextboxValue("");
      searching("");
    });

    // Typing a search is not a change to the form (unsaved-changes.js listens for input).
    picker.control_input.addEventListener("input", function (event) {
      event.stopPropagation();
    });
  }

  document.querySelectorAll("select[data-search-url]").forEach(setUp);
  // Rows added in the page (row-formset.js) bring their own pickers.
  document.addEventListener("rows:added", function (event) {
    event.target.querySelectorAll("select[data-search-url]").forEach(setUp);
  });
})();
