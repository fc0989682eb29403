// Moves focus to the error summary after a failed submit, so keyboard and screen-reader users
// hear what to fix first (GOV.UK pattern).
(function () {
  var summary = document.querySelector('[data-autofocus]');
  if (summary) summary.focus();
})();
