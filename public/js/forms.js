// Moves focus to the error summary after a failed submit, so keyboard and screen-reader users
// hear what to fix first; a link in the summary puts the cursor into that field, with its label
// and question in view (GOV.UK pattern).
(function () {
  var summary = document.querySelector('[data-autofocus]');
  if (summary) summary.focus();
  document.addEventListener('click', function (e) {
    var link = e.target && e.target.closest ? e.target.closest('.error-summary a[href^="#"]') : null;
    if (!link) return;
    var field = document.getElementById(link.getAttribute('href').slice(1));
    if (!field) return;
    e.preventDefault();
    var label = document.querySelector('label[for="' + field.id + '"]') || field.closest('fieldset') || field;
    label.scrollIntoView({ block: 'start' });
    var target = field.matches('input, select, textarea, button') ? field : field.querySelector('input, select, textarea');
    if (target) target.focus({ preventScroll: true });
    if (history.replaceState) history.replaceState(null, '', link.getAttribute('href'));
  });
})();
