// Video/audio answers (views/media/recorder.ejs): record in the browser with MediaRecorder, live
// preview, timer, playback, re-record; or upload a file. Uploads go by XHR with a progress bar and
// an Idempotency-Key, so a retry after a dropped connection never stores the recording twice;
// "saved" is shown only after the server confirmed. Without JavaScript the file inputs post their
// own forms (see recorder-forms.ejs).
(function () {
  'use strict';
  var answerForm = document.getElementById('answer-form');
  var csrf = answerForm ? answerForm.getAttribute('data-csrf') : '';
  var recorders = Array.prototype.slice.call(document.querySelectorAll('[data-recorder]'));
  if (!recorders.length) return;

  var VIDEO_TYPES = ['video/webm;codecs=vp9,opus', 'video/webm;codecs=vp8,opus', 'video/webm', 'video/mp4;codecs=avc1,mp4a', 'video/mp4'];
  var AUDIO_TYPES = ['audio/webm;codecs=opus', 'audio/webm', 'audio/mp4', 'audio/ogg;codecs=opus'];

  /** The first container this browser can record, by MediaRecorder.isTypeSupported. */
  function pickType(audioOnly) {
    var list = audioOnly ? AUDIO_TYPES : VIDEO_TYPES;
    for (var i = 0; i < list.length; i++) if (window.MediaRecorder.isTypeSupported(list[i])) return list[i];
    return '';
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var a = new Uint8Array(16);
    window.crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  function fmt(s) {
    s = Math.floor(s);
    return Math.floor(s / 60) + ':' + ('0' + (s % 60)).slice(-2);
  }

  function canRecord() {
    return !!(window.MediaRecorder && navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  }

  recorders.forEach(function (root) {
    var $ = function (sel) { return root.querySelector(sel); };
    var q = root.getAttribute('data-question');
    var maxSeconds = Number(root.getAttribute('data-max-seconds')) || 600;
    var live = $('[data-live]');
    var preview = $('[data-preview]');
    var playback = $('[data-playback]');
    var after = $('[data-after]');
    var progress = $('[data-progress]');
    var statusEl = $('[data-status]');
    var errorEl = $('[data-error]');
    var timerWrap = $('[data-timer-wrap]');
    var timerEl = $('[data-timer]');
    var audioOnlyBox = $('[data-audio-only]');
    var fileInput = $('[data-file]');
    var subtitlesInput = $('[data-subtitles]');
    var btn = function (name) { return $('[data-action="' + name + '"]'); };
    var recordedField = $('[data-recorded]');
    var subtitlesField = $('[data-subtitles-field]');
    var textarea = answerForm ? answerForm.querySelector('textarea[data-question="' + q + '"]') : null;
    var transcriptHint = textarea ? document.getElementById(textarea.id + '-transcript-hint') : null;
    var toggle = root.closest('[data-recorder-toggle]');
    var msg = function (name) { return root.getAttribute('data-msg-' + name) || ''; };

    var stream = null;
    var recorder = null;
    var chunks = [];
    var startedAt = 0;
    var ticker = null;
    var pending = null; // { blob, name, key } waiting to be uploaded (or retried)
    var blobUrl = null;

    // Enhanced mode: XHR uploads replace the no-JS upload buttons.
    Array.prototype.forEach.call(root.querySelectorAll('[data-nojs-upload]'), function (b) { b.hidden = true; });
    live.hidden = false;
    if (root.getAttribute('data-existing')) playback.hidden = false;

    function setState(state) { root.setAttribute('data-state', state); }

    // With a saved recording the text box holds its transcript (the hint says so) and a subtitle
    // file may be uploaded; without one the box is a plain typed answer.
    function showRecordingExtras(on) {
      if (subtitlesField) subtitlesField.hidden = !on;
      if (!textarea || !transcriptHint) return;
      transcriptHint.hidden = !on;
      var ids = (textarea.getAttribute('aria-describedby') || '').split(/\s+/).filter(function (x) { return x && x !== transcriptHint.id; });
      if (on) ids.push(transcriptHint.id);
      if (ids.length) textarea.setAttribute('aria-describedby', ids.join(' '));
      else textarea.removeAttribute('aria-describedby');
    }

    // The page has one anonymity warning: it goes with the recorder that is opened.
    if (toggle) {
      toggle.addEventListener('toggle', function () {
        if (!toggle.open) return;
        var warning = document.querySelector('[data-anon-warning]');
        if (warning && !root.contains(warning)) root.insertBefore(warning, live);
      });
    }
    function status(text) { statusEl.textContent = text; }
    function showError(text) {
      errorEl.textContent = text || '';
      errorEl.hidden = !text;
    }
    function errorText(code) {
      return root.getAttribute('data-err-' + code) || root.getAttribute('data-err-generic');
    }

    if (!canRecord()) {
      btn('start').hidden = true;
      var insecure = window.isSecureContext === false;
      status(insecure ? msg('insecure') : msg('unsupported'));
    }

    function stopStream() {
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      stream = null;
      preview.srcObject = null;
      preview.hidden = true;
    }

    function tick() {
      var s = (Date.now() - startedAt) / 1000;
      timerEl.textContent = fmt(s);
      if (s >= maxSeconds) stop();
    }

    function start() {
      showError('');
      var audioOnly = !!(audioOnlyBox && audioOnlyBox.checked);
      var constraints = audioOnly ? { audio: true } : { audio: true, video: { width: { ideal: 1280 }, height: { ideal: 720 }, facingMode: 'user' } };
      navigator.mediaDevices.getUserMedia(constraints).then(function (s) {
        stream = s;
        var type = pickType(audioOnly);
        try {
          recorder = type ? new window.MediaRecorder(s, { mimeType: type }) : new window.MediaRecorder(s);
        } catch (e) {
          stopStream();
          showError(msg('unsupported'));
          return;
        }
        chunks = [];
        recorder.ondataavailable = function (e) { if (e.data && e.data.size) chunks.push(e.data); };
        recorder.onstop = recorded;
        if (!audioOnly) {
          preview.srcObject = s;
          preview.hidden = false;
          preview.play().catch(function () {});
        }
        playback.hidden = true;
        after.hidden = true;
        recorder.start(1000);
        startedAt = Date.now();
        timerEl.textContent = '0:00';
        timerWrap.hidden = false;
        ticker = setInterval(tick, 250);
        btn('start').hidden = true;
        btn('stop').hidden = false;
        btn('stop').focus();
        if (audioOnlyBox) audioOnlyBox.disabled = true;
        setState('recording');
        status(msg('recording'));
      }).catch(function (err) {
        var name = err && err.name;
        if (name === 'NotAllowedError' || name === 'SecurityError') showError(msg('blocked'));
        else if (name === 'NotFoundError' || name === 'OverconstrainedError') showError(msg('no-device'));
        else if (name === 'NotReadableError' || name === 'AbortError') showError(msg('busy'));
        else showError(msg('unsupported'));
        setState('blocked');
      });
    }

    function stop() {
      clearInterval(ticker);
      if (recorder && recorder.state !== 'inactive') recorder.stop();
    }

    function recorded() {
      var type = (recorder && recorder.mimeType) || (chunks[0] && chunks[0].type) || 'video/webm';
      var blob = new Blob(chunks, { type: type.split(';')[0] });
      stopStream();
      if (audioOnlyBox) audioOnlyBox.disabled = false;
      var ext = /mp4/.test(type) ? (/^audio/.test(type) ? 'm4a' : 'mp4') : /ogg/.test(type) ? 'ogg' : 'webm';
      pending = { blob: blob, name: 'recording.' + ext, key: newKey() };
      if (blobUrl) URL.revokeObjectURL(blobUrl);
      blobUrl = URL.createObjectURL(blob);
      playback.src = blobUrl;
      playback.hidden = false;
      btn('stop').hidden = true;
      btn('start').hidden = true;
      after.hidden = false;
      setState('recorded');
      status(msg('recorded'));
      btn('use').focus();
    }

    function upload() {
      if (!pending) return;
      var job = pending;
      var data = new FormData();
      // Fields before the file: the server reads them before it streams the file.
      if (audioOnlyBox && audioOnlyBox.checked) data.append('audioOnly', '1');
      data.append('file', job.blob, job.name);
      var xhr = new XMLHttpRequest();
      xhr.open('POST', root.getAttribute('data-upload'));
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.setRequestHeader('X-CSRF-Token', csrf);
      xhr.setRequestHeader('Idempotency-Key', job.key);
      progress.hidden = false;
      progress.value = 0;
      after.hidden = true;
      btn('retry').hidden = true;
      showError('');
      setState('uploading');
      status(msg('uploading').replace('{percent}', '0'));
      xhr.upload.onprogress = function (e) {
        if (!e.lengthComputable) return;
        var pct = Math.floor((e.loaded / e.total) * 100);
        progress.value = pct;
        status(msg('uploading').replace('{percent}', String(pct)));
      };
      xhr.onload = function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        if ((xhr.status === 200 || xhr.status === 201) && body && body.media) {
          pending = null;
          progress.value = 100;
          progress.hidden = true;
          root.setAttribute('data-existing', body.media.id);
          root.setAttribute('data-media-id', body.media.id);
          if (recordedField) recordedField.value = body.media.id;
          setState('saved');
          status(msg('saved'));
          btn('start').hidden = !canRecord();
          btn('remove').hidden = false;
          showRecordingExtras(true);
          if (body.media.transcription && body.media.transcription.status === 'pending') pollTranscript(body.media.id);
          if (answerForm) answerForm.dispatchEvent(new CustomEvent('media-saved', { detail: { question: q } }));
          return;
        }
        progress.hidden = true;
        if (xhr.status >= 500 || xhr.status === 0 || xhr.status === 408 || xhr.status === 429) return failed();
        // The server refused this file: say why; a new recording or file is needed.
        pending = null;
        setState('refused');
        status('');
        showError(errorText(body && body.error ? body.error.code : 'generic'));
        btn('start').hidden = !canRecord();
      };
      xhr.onerror = failed;
      xhr.ontimeout = failed;
      xhr.send(data);
    }

    function failed() {
      progress.hidden = true;
      setState('failed');
      status('');
      showError(msg('failed'));
      btn('retry').hidden = false;
      btn('retry').focus();
    }

    function again() {
      pending = null;
      after.hidden = true;
      playback.hidden = true;
      start();
    }

    function pollTranscript(id) {
      var base = root.getAttribute('data-media-base');
      var tries = 0;
      status(msg('saved') + ' ' + msg('auto-pending'));
      var poll = function () {
        tries += 1;
        fetch(base + id + '/status', { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (body) {
            var tr = body && body.media && body.media.transcription;
            if (!tr || tr.status === 'pending') { if (tries < 200) setTimeout(poll, 3000); return; }
            if (tr.status === 'done') {
              if (textarea && !textarea.value.trim() && tr.text) {
                textarea.value = tr.text;
                textarea.dispatchEvent(new Event('input', { bubbles: true }));
              }
              status(msg('saved') + ' ' + msg('auto-done'));
            } else {
              status(msg('saved') + ' ' + msg('auto-failed'));
            }
          })
          .catch(function () { if (tries < 200) setTimeout(poll, 5000); });
      };
      setTimeout(poll, 1500);
    }

    btn('start').addEventListener('click', start);
    btn('stop').addEventListener('click', stop);
    btn('use').addEventListener('click', upload);
    btn('again').addEventListener('click', again);
    btn('retry').addEventListener('click', upload); // same blob, same Idempotency-Key

    // Delete the saved recording (e.g. to answer in writing after all): the server deletes the file.
    btn('remove').addEventListener('click', function () {
      showError('');
      fetch(root.getAttribute('data-remove'), { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json', 'X-CSRF-Token': csrf } })
        .then(function (r) {
          if (!r.ok) return r.json().then(function (body) { showError(errorText(body && body.error ? body.error.code : 'generic')); });
          root.setAttribute('data-existing', '');
          root.removeAttribute('data-media-id');
          if (recordedField) recordedField.value = '';
          playback.removeAttribute('src');
          playback.hidden = true;
          btn('remove').hidden = true;
          btn('start').hidden = !canRecord();
          setState('removed');
          status(msg('removed'));
          showRecordingExtras(false);
          if (answerForm) answerForm.dispatchEvent(new CustomEvent('media-removed', { detail: { question: q } }));
        })
        .catch(function () { showError(errorText('generic')); });
    });

    fileInput.addEventListener('change', function () {
      var f = fileInput.files && fileInput.files[0];
      if (!f) return;
      pending = { blob: f, name: f.name, key: newKey() };
      if (blobUrl) URL.revokeObjectURL(blobUrl);
      blobUrl = URL.createObjectURL(f);
      playback.src = blobUrl;
      playback.hidden = false;
      upload();
    });

    subtitlesInput.addEventListener('change', function () {
      var f = subtitlesInput.files && subtitlesInput.files[0];
      if (!f) return;
      var data = new FormData();
      data.append('subtitles', f, f.name);
      showError('');
      fetch(root.getAttribute('data-subtitles-url'), { method: 'POST', body: data, credentials: 'same-origin', headers: { Accept: 'application/json', 'X-CSRF-Token': csrf } })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (res) {
          if (!res.ok) { showError(errorText(res.body && res.body.error ? res.body.error.code : 'generic')); return; }
          if (textarea) {
            textarea.value = res.body.text;
            textarea.dispatchEvent(new Event('input', { bubbles: true }));
          }
          status(msg('subtitles').replace('{n}', String(res.body.cues)));
        })
        .catch(function () { showError(errorText('generic')); });
    });
  });

  // Submitting while a recording is still uploading would lose it: wait for "saved".
  if (answerForm) {
    answerForm.addEventListener('submit', function (e) {
      var busy = recorders.filter(function (r) { var s = r.getAttribute('data-state'); return s === 'uploading' || s === 'recording'; });
      if (!busy.length) return;
      e.preventDefault();
      var err = busy[0].querySelector('[data-error]');
      err.textContent = busy[0].getAttribute('data-msg-wait');
      err.hidden = false;
      err.scrollIntoView({ block: 'center' });
    });
  }
})();
