// Copy buttons for read-only link and token fields (`input.link-field[readonly]`: the respondent
// link, report share links, a new API token). Without JavaScript the field stays selectable.
(function () {
  'use strict';
  var body = document.body;
  var label = body.getAttribute('data-copy-label') || 'Copy';
  var done = body.getAttribute('data-copied-label') || 'Copied';
  var failed = body.getAttribute('data-copy-failed') || '';
  var fields = Array.prototype.slice.call(document.querySelectorAll('input.link-field[readonly]'));

  function fallbackCopy(field) {
    field.focus();
    field.select();
    try { return document.execCommand('copy'); } catch (e) { return false; }
  }

  fields.forEach(function (field) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'secondary copy-button';
    button.textContent = label;
    var fieldLabel = field.id ? document.querySelector('label[for="' + field.id + '"]') : null;
    // The button says what it copies (several copy buttons can be on one page).
    if (fieldLabel && fieldLabel.textContent.trim()) button.setAttribute('aria-label', label + ': ' + fieldLabel.textContent.trim());
    var status = document.createElement('span');
    status.className = 'copy-status';
    status.setAttribute('role', 'status');
    field.insertAdjacentElement('afterend', button);
    button.insertAdjacentElement('afterend', status);
    var timer = null;
    function say(text) {
      status.textContent = text;
      clearTimeout(timer);
      timer = setTimeout(function () { status.textContent = ''; }, 4000);
    }
    button.addEventListener('click', function () {
      var value = field.value;
      var ok = function () { say(done); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(value).then(ok, function () { if (fallbackCopy(field)) ok(); else say(failed); });
      } else if (fallbackCopy(field)) {
        ok();
      } else {
        say(failed);
      }
    });
  });
})();
