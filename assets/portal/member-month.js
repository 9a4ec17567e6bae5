// A member's month: the daily chart, the day's interval curve and whose energy it received.
// The data comes in the page as a JSON block (the Content-Security-Policy allows no inline
// script); labels and the number locale come from the page's language.
(function () {
  const { chart: d, labels: l } = JSON.parse(document.getElementById('member-month-data').textContent);
  const common = { animation: false, maintainAspectRatio: false, locale: l.locale };
  new Chart(document.getElementById('daily'), {
    type: 'bar',
    data: {
      labels: d.days,
      datasets: [
        { label: l.own, data: d.own, stack: 'c', backgroundColor: '#15803d' },
        { label: l.cluster, data: d.cluster, stack: 'c', backgroundColor: '#65a30d' },
        { label: l.grid, data: d.grid, stack: 'c', backgroundColor: '#94a3b8' },
        { label: l.supplied, data: d.supplied.map((v) => -v), stack: 'p', backgroundColor: '#f59e0b' },
        { label: l.fedIn, data: d.fedIn.map((v) => -v), stack: 'p', backgroundColor: '#a16207' },
      ],
    },
    options: { ...common, scales: { x: { stacked: true, title: { display: true, text: l.month } }, y: { stacked: true, title: { display: true, text: l.kwh } } } },
  });
  new Chart(document.getElementById('curve'), {
    type: 'line',
    data: {
      labels: d.times,
      datasets: [
        // what came from the cluster as an area under the draw: it often equals it and would hide under the line
        { label: l.imported, data: d.curveImport, borderColor: '#475569', pointRadius: 0 },
        { label: l.cluster, data: d.curveReceived, borderColor: '#65a30d', backgroundColor: 'rgba(101,163,13,0.35)', fill: 'origin', pointRadius: 0 },
        { label: l.exported, data: d.curveExport, borderColor: '#f59e0b', pointRadius: 0 },
      ],
    },
    options: { ...common, scales: { y: { title: { display: true, text: l.wh } } } },
  });
  const from = document.getElementById('from-chart');
  if (from) {
    new Chart(from, {
      type: 'bar',
      data: { labels: d.from, datasets: [{ label: l.cluster, data: d.fromKwh, backgroundColor: '#65a30d' }] },
      options: { ...common, indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { title: { display: true, text: l.kwh } } } },
    });
  }
})();
