// A form sent back with errors: bring the first field in error into view and focus it,
// so that a correction below the fold is not missed. The summary at the top names them all.
(function () {
  "use strict";
  var first = document.querySelector('[aria-invalid="true"]');
  if (!first) return;
  // Its own group (the partner's answer) in view, so that its legend shows too.
  (first.closest("fieldset") || first).scrollIntoView({ block: "start" });
  first.focus({ preventScroll: true });
})();
