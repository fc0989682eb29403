// Live progress of an analysis run: server-sent events, or polling the same URL as JSON every
// 2 s where EventSource is missing or the stream keeps failing (some proxies break SSE).
(function () {
  var box = document.querySelector('[data-analysis-progress]');
  if (!box) return;
  var url = box.getAttribute('data-analysis-progress');
  var bar = box.querySelector('progress');
  var stage = box.querySelector('[data-stage]');
  var percent = box.querySelector('[data-percent]');
  var message = box.querySelector('[data-message]');
  var reload = box.querySelector('[data-reload]');
  var finished = false;

  function show(p) {
    if (finished) return;
    bar.value = p.percent;
    bar.textContent = p.percent + ' %';
    stage.textContent = p.stageLabel;
    percent.textContent = p.percent + ' %';
    box.setAttribute('data-status', p.status);
    if (p.status === 'done' || p.status === 'failed') {
      finished = true;
      message.textContent = p.status === 'failed' ? p.error : p.stageLabel;
      reload.hidden = false;
      // The page shows the new result (or the failure) once reloaded.
      window.setTimeout(function () { window.location.reload(); }, 1500);
    }
  }

  function poll() {
    if (finished) return;
    fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (p) { if (p) show(p); })
      .catch(function () { /* next round */ })
      .then(function () { if (!finished) window.setTimeout(poll, 2000); });
  }

  if (typeof window.EventSource !== 'function') {
    poll();
    return;
  }
  var failures = 0;
  var source = new window.EventSource(url);
  source.addEventListener('progress', function (e) {
    failures = 0;
    show(JSON.parse(e.data));
    if (finished) source.close();
  });
  source.addEventListener('end', function () { source.close(); });
  source.addEventListener('error', function () {
    failures += 1;
    if (finished || failures >= 3) {
      source.close();
      poll();
    }
  });
})();
