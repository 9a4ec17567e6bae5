// A member's month: the daily chart and the day's interval curve. The data comes in the
// page as a JSON block (the Content-Security-Policy allows no inline script).
(function () {
  const { chart: d, labels: l } = JSON.parse(document.getElementById('member-month-data').textContent);
  new Chart(document.getElementById('daily'), {
    type: 'bar',
    data: {
      labels: d.days,
      datasets: [
        { label: l[0], data: d.own, stack: 'c' }, { label: l[1], data: d.cluster, stack: 'c' }, { label: l[2], data: d.grid, stack: 'c' },
        { label: l[3], data: d.supplied.map((v) => -v), stack: 'p' }, { label: l[4], data: d.fedIn.map((v) => -v), stack: 'p' },
      ],
    },
    options: { animation: false, scales: { y: { title: { display: true, text: 'kWh' } } } },
  });
  new Chart(document.getElementById('curve'), {
    type: 'line',
    data: { labels: d.times, datasets: [{ label: l[5], data: d.curveImport }, { label: l[1], data: d.curveReceived }, { label: l[6], data: d.curveExport }] },
    options: { animation: false, scales: { y: { title: { display: true, text: 'Wh' } } } },
  });
})();
