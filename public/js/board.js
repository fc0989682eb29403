/*
 * Theme board, progressive enhancement only: every action works as a plain form without this file.
 * - "select all on this page" for the split, and a live count of selected answers (announced);
 * - undo asks for confirmation;
 * - after an error, the first invalid field gets the focus (the error summary links to it).
 * Everything is native form controls, so keyboard and screen readers work as without JS.
 */
(function () {
  'use strict';

  var picks = Array.prototype.slice.call(document.querySelectorAll('[data-split-pick]'));
  var count = document.querySelector('[data-split-count]');
  var all = document.querySelector('[data-select-all]');

  function update() {
    var n = picks.filter(function (p) { return p.checked; }).length;
    if (count) count.textContent = n ? (count.getAttribute('data-template') || '{n}').replace('{n}', String(n)) : '';
    if (all) {
      all.checked = n > 0 && n === picks.length;
      all.indeterminate = n > 0 && n < picks.length;
    }
    picks.forEach(function (p) {
      var li = p.closest('li');
      if (li) li.classList.toggle('selected', p.checked);
    });
  }

  if (picks.length) {
    picks.forEach(function (p) { p.addEventListener('change', update); });
    if (all) {
      var row = all.closest('.board-select-all');
      if (row) row.hidden = false;
      all.addEventListener('change', function () {
        picks.forEach(function (p) { p.checked = all.checked; });
        update();
      });
    }
    update();
  }

  Array.prototype.forEach.call(document.querySelectorAll('form[data-confirm]'), function (form) {
    form.addEventListener('submit', function (e) {
      if (!window.confirm(form.getAttribute('data-confirm'))) e.preventDefault();
    });
  });

  var summary = document.querySelector('.error-summary[data-autofocus]');
  if (summary && typeof summary.focus === 'function') summary.focus();
})();
