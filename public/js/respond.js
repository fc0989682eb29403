// Respondent page: autosave while typing, progress indicator, offline-tolerant retries.
// Without JavaScript the form still works: submit posts everything and the server saves it.
(function () {
  'use strict';
  var form = document.getElementById('answer-form');
  if (!form) return;
  var url = form.getAttribute('data-autosave');
  var csrf = form.getAttribute('data-csrf');
  var status = document.getElementById('save-status');
  var bar = document.getElementById('progress-bar');
  var text = document.getElementById('progress-text');
  var textareas = Array.prototype.slice.call(form.querySelectorAll('textarea[data-question]'));
  // Every question's box (open and closed: scale, choices, ranking; issue 17).
  var boxes = Array.prototype.slice.call(form.querySelectorAll('[data-question-box]'));
  var selects = Array.prototype.slice.call(form.querySelectorAll('select[name^="segments["]'));
  var dirty = {};
  var dirtySegments = {};
  var timer = null;
  var inFlight = false;
  var retryDelay = 2000;

  function setStatus(kind) {
    if (!status) return;
    // `data-state` lets tests (and styles) know when everything typed is on the server.
    var pending = Object.keys(dirty).length + Object.keys(dirtySegments).length > 0 || inFlight;
    status.setAttribute('data-state', kind === 'saved' && !pending ? 'idle' : kind);
    status.textContent = status.getAttribute('data-' + kind) || '';
    status.className = 'save-status' + (kind === 'failed' || kind === 'offline' ? ' failed' : '');
  }

  /** A closed question's answer as the autosave sends it (the server checks it against the question). */
  function closedValue(box) {
    var type = box.getAttribute('data-type');
    if (type === 'scale') {
      var checked = box.querySelector('input[type="radio"]:checked');
      return { value: checked ? Number(checked.value) : null };
    }
    if (type === 'ranking') {
      var ranks = {};
      Array.prototype.forEach.call(box.querySelectorAll('select[data-rank-item]'), function (s) { ranks[s.getAttribute('data-rank-item')] = s.value; });
      return { ranks: ranks };
    }
    var choices = Array.prototype.map.call(box.querySelectorAll('input[name$="[choices][]"]:checked'), function (c) { return c.value; });
    var other = box.querySelector('[data-other-text]');
    return { choices: choices, text: other ? other.value : '' };
  }

  function answered(box) {
    var type = box.getAttribute('data-type');
    var key = box.getAttribute('data-question-box');
    if (type === 'open') {
      // A saved video/audio recording answers its question too (public/js/recorder.js).
      var t = box.querySelector('textarea[data-question]');
      var rec = document.querySelector('[data-recorder][data-question="' + key + '"]');
      return (t && t.value.trim().length > 0) || !!(rec && rec.getAttribute('data-existing'));
    }
    if (type === 'ranking') return Array.prototype.some.call(box.querySelectorAll('select[data-rank-item]'), function (s) { return s.value !== ''; });
    return !!box.querySelector('input:checked');
  }

  function updateProgress() {
    var done = boxes.filter(answered).length;
    if (bar) bar.value = done;
    if (text) text.textContent = text.getAttribute('data-template').replace('{done}', done).replace('{total}', boxes.length);
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  function save() {
    if (inFlight) { schedule(500); return; }
    var answers = {}; var segments = {}; var any = false;
    Object.keys(dirty).forEach(function (k) { answers[k] = dirty[k]; any = true; });
    Object.keys(dirtySegments).forEach(function (k) { segments[k] = dirtySegments[k]; any = true; });
    if (!any) return;
    dirty = {}; dirtySegments = {};
    inFlight = true;
    setStatus('saving');
    fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf },
      credentials: 'same-origin',
      body: JSON.stringify({ answers: answers, segments: segments })
    }).then(function (res) {
      inFlight = false;
      if (res.ok) { retryDelay = 2000; setStatus('saved'); if (Object.keys(dirty).length || Object.keys(dirtySegments).length) schedule(300); return; }
      if (res.status === 409 || res.status === 410) { window.location.reload(); return; }
      if (res.status === 400) { setStatus('failed'); return; }
      throw new Error('HTTP ' + res.status);
    }).catch(function () {
      inFlight = false;
      // Put the unsaved values back (newer edits win) and retry with backoff.
      Object.keys(answers).forEach(function (k) { if (!(k in dirty)) dirty[k] = answers[k]; });
      Object.keys(segments).forEach(function (k) { if (!(k in dirtySegments)) dirtySegments[k] = segments[k]; });
      setStatus(navigator.onLine === false ? 'offline' : 'failed');
      retryDelay = Math.min(retryDelay * 2, 30000);
      schedule(retryDelay);
    });
  }

  textareas.forEach(function (t) {
    t.addEventListener('input', function () {
      dirty[t.getAttribute('data-question')] = t.value;
      if (status) status.setAttribute('data-state', 'dirty');
      updateProgress();
      schedule(1200);
    });
    t.addEventListener('blur', function () { if (Object.keys(dirty).length) schedule(0); });
  });
  selects.forEach(function (s) {
    s.addEventListener('change', function () {
      dirtySegments[s.name.slice(9, -1)] = s.value;
      schedule(300);
    });
  });
  // Closed questions: a click, a key or a choice saves the whole answer of that question.
  boxes.forEach(function (box) {
    if (box.getAttribute('data-type') === 'open') return;
    var key = box.getAttribute('data-question-box');
    function changed(delay) {
      dirty[key] = closedValue(box);
      if (status) status.setAttribute('data-state', 'dirty');
      updateProgress();
      schedule(delay);
    }
    var rankSelects = Array.prototype.slice.call(box.querySelectorAll('select[data-rank-item]'));
    function duplicates() {
      var seen = {};
      return rankSelects.some(function (s) { if (!s.value) return false; if (seen[s.value]) return true; seen[s.value] = true; return false; });
    }
    rankSelects.forEach(function (s) {
      s.setAttribute('data-last', s.value);
      s.addEventListener('focus', function () { s.setAttribute('data-last', s.value); });
      // Arrow keys step through the ranks one by one (each step is a change): nothing else moves
      // until the choice is made, so passing a taken rank on the way takes it from nobody.
      s.addEventListener('change', function () {
        if (duplicates()) { updateProgress(); return; }
        changed(300);
      });
      // Leaving the item settles it: a rank is given once, so the item that had this rank takes
      // this item's previous one (a swap).
      s.addEventListener('blur', function () {
        var last = s.getAttribute('data-last') || '';
        var swapped = false;
        if (s.value && s.value !== last) rankSelects.forEach(function (other) {
          if (other !== s && other.value === s.value) { other.value = last; other.setAttribute('data-last', last); swapped = true; }
        });
        s.setAttribute('data-last', s.value);
        if (swapped && !duplicates()) changed(300);
      });
    });
    var otherText = box.querySelector('[data-other-text]');
    var otherChoice = box.querySelector('[data-other-choice]');
    if (otherText) {
      otherText.addEventListener('input', function () {
        // Typing "other, namely …" chooses "other".
        if (otherChoice && otherText.value.trim() && !otherChoice.checked) otherChoice.checked = true;
        changed(1200);
      });
      otherText.addEventListener('blur', function () { if (Object.keys(dirty).length) schedule(0); });
    }
    Array.prototype.forEach.call(box.querySelectorAll('input[type="radio"], input[type="checkbox"]'), function (input) {
      input.addEventListener('change', function () { changed(300); });
    });
  });
  window.addEventListener('online', function () { schedule(0); });
  window.addEventListener('pagehide', function () {
    // Last chance: send what is still unsaved without waiting for an answer.
    if (!Object.keys(dirty).length && !Object.keys(dirtySegments).length) return;
    // sendBeacon cannot set headers: the CSRF token travels in the body instead.
    var payload = JSON.stringify({ answers: dirty, segments: dirtySegments, _csrf: csrf });
    if (navigator.sendBeacon) navigator.sendBeacon(url, new Blob([payload], { type: 'application/json' }));
  });
  form.addEventListener('submit', function () { clearTimeout(timer); });
  form.addEventListener('media-saved', updateProgress);
  form.addEventListener('media-removed', updateProgress);
  updateProgress();
})();
