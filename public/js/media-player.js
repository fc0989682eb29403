// Lead response page: `?t=<seconds>` starts the marked player there (data-start), and the cue
// links seek in place instead of reloading the page.
(function () {
  'use strict';
  function seek(player, seconds) {
    var go = function () {
      try { player.currentTime = seconds; } catch (e) { /* not seekable yet */ }
    };
    if (player.readyState >= 1) go();
    else player.addEventListener('loadedmetadata', go, { once: true });
  }
  var start = document.querySelector('[data-player][data-start]');
  if (start) {
    seek(start, Number(start.getAttribute('data-start')) || 0);
    var section = start.closest('section');
    if (section) section.scrollIntoView({ block: 'start' });
  }
  Array.prototype.forEach.call(document.querySelectorAll('a[data-seek]'), function (a) {
    a.addEventListener('click', function (e) {
      var section = a.closest('section');
      var player = section && section.querySelector('[data-player]');
      if (!player) return;
      e.preventDefault();
      seek(player, Number(a.getAttribute('data-seek')) || 0);
      player.play().catch(function () {});
      player.focus();
    });
  });
})();
