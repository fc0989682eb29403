// The lead's campaign form: each question shows only the settings of its answer type (scale,
// choices, answer modes). Without JavaScript every field shows and the server ignores those
// the type does not use (src/campaigns/campaign.form.ts).
(function () {
  'use strict';
  function update(select) {
    var row = select.closest('.question-row');
    if (!row) return;
    var type = select.value || 'open';
    Array.prototype.forEach.call(row.querySelectorAll('[data-types]'), function (el) {
      el.hidden = el.getAttribute('data-types').split(' ').indexOf(type) < 0;
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll('select[data-question-type]'), function (select) {
    update(select);
    select.addEventListener('change', function () { update(select); });
  });
})();
