// The coordinator's cluster month: the self-sufficiency trend and the DSO file import
// (sent with the page's CSRF token, read from its meta tag).
(function () {
  const data = JSON.parse(document.getElementById('cluster-month-data').textContent);
  new Chart(document.getElementById('trend'), {
    type: 'line',
    data: { labels: data.months, datasets: [{ label: data.label, data: data.selfSufficiency }] },
    options: { animation: false, scales: { y: { min: 0, max: 100, title: { display: true, text: '%' } } } },
  });
  const form = document.getElementById('import');
  if (!form) return;
  const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const query = new URLSearchParams({ format: form.format.value });
    if (form.ppeCode.value) query.set('ppeCode', form.ppeCode.value);
    const result = document.getElementById('import-result');
    try {
      const response = await fetch('/portal/import?' + query, { method: 'POST', headers: { 'content-type': 'text/csv', 'x-csrf-token': csrf }, body: form.file.files[0] });
      result.textContent = await response.text();
    } catch (error) {
      result.textContent = String(error);
    }
  });
})();
