// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';
  // Take keyboard and screen-reader users straight to the list of problems after a failed form.
  var summary = document.querySelector('[data-error-summary]');
  if (summary) summary.focus();
})();
