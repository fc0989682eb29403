// Requirements report: the print button only exists where JavaScript runs (Ctrl+P works anyway).
(function () {
  'use strict';
  var button = document.querySelector('[data-print]');
  if (!button) return;
  button.hidden = false;
  button.addEventListener('click', function () {
    window.print();
  });
})();
