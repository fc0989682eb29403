// Dashboard charts (progressive enhancement): every chart is drawn from the table next to it,
// which stays on the page as the text alternative and works without JavaScript. Clicking a bar
// or slice opens the same drill-down as the table's link. Chart.js is served by the app from
// node_modules (/static/vendor/chartjs), never from a CDN.
(function () {
  if (typeof window.Chart !== 'function') return;
  var Chart = window.Chart;
  var css = window.getComputedStyle(document.documentElement);
  var brand = (css.getPropertyValue('--brand') || '#1d4e89').trim();
  var accent = (css.getPropertyValue('--accent') || '#f4b942').trim();
  var reduced = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;

  document.querySelectorAll('figure.chart[data-chart]').forEach(function (figure) {
    var rows = Array.prototype.slice.call(figure.querySelectorAll('tr[data-value]'));
    var holder = figure.querySelector('.chart-canvas');
    var canvas = holder && holder.querySelector('canvas');
    if (!rows.length || !canvas) return;
    var type = figure.getAttribute('data-chart') === 'doughnut' ? 'doughnut' : 'bar';
    var labels = rows.map(function (r) { return r.getAttribute('data-label'); });
    var values = rows.map(function (r) { return Number(r.getAttribute('data-value')); });
    var hrefs = rows.map(function (r) { return r.getAttribute('data-href'); });
    holder.hidden = false;
    // Horizontal bars: long German labels stay readable on a phone; height grows with the rows.
    if (type === 'bar') holder.classList.add('rows-' + Math.min(rows.length, 12));
    new Chart(canvas, {
      type: type,
      data: {
        labels: labels,
        datasets: [{
          data: values,
          backgroundColor: type === 'doughnut' ? [brand, accent] : brand,
          borderWidth: type === 'doughnut' ? 2 : 0,
        }],
      },
      options: {
        indexAxis: type === 'bar' ? 'y' : undefined,
        maintainAspectRatio: false,
        animation: reduced ? false : undefined,
        plugins: { legend: { display: type === 'doughnut', position: 'bottom' } },
        scales: type === 'bar' ? { x: { beginAtZero: true, ticks: { precision: 0 } } } : undefined,
        onHover: function (event, elements) {
          event.native.target.style.cursor = elements.length && hrefs[elements[0].index] ? 'pointer' : 'default';
        },
        onClick: function (_event, elements) {
          if (!elements.length) return;
          var href = hrefs[elements[0].index];
          if (href) window.location.href = href;
        },
      },
    });
  });
})();
