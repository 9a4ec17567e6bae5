// The coordinator's cluster month: the self-sufficiency trend, the transfer matrix as a
// stacked bar per receiver, and the DSO file import (sent with the page's CSRF token, read
// from its meta tag; its report written as text nodes, never as HTML).
(function () {
  const data = JSON.parse(document.getElementById('cluster-month-data').textContent);
  const locale = document.documentElement.lang === 'en' ? 'en-GB' : 'pl-PL';
  new Chart(document.getElementById('trend'), {
    type: 'bar',
    data: { labels: data.months, datasets: [{ label: data.label, data: data.selfSufficiency, backgroundColor: '#15803d' }] },
    options: { animation: false, maintainAspectRatio: false, locale, scales: { y: { min: 0, max: 100, title: { display: true, text: '%' } } } },
  });
  const transfers = document.getElementById('transfers');
  if (transfers && data.transfers) {
    const palette = ['#15803d', '#f59e0b', '#0369a1', '#a21caf', '#b91c1c', '#65a30d', '#0f766e', '#7c2d12', '#4338ca', '#be185d'];
    new Chart(transfers, {
      type: 'bar',
      data: {
        labels: data.transfers.receivers,
        datasets: data.transfers.suppliers.map((s, j) => ({ label: s, data: data.transfers.kwh.map((row) => row[j]), backgroundColor: palette[j % palette.length] })),
      },
      options: { animation: false, maintainAspectRatio: false, locale, indexAxis: 'y', scales: { x: { stacked: true, title: { display: true, text: 'kWh' } }, y: { stacked: true } } },
    });
  }
  const form = document.getElementById('import');
  if (!form) return;
  const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
  const texts = data.texts;
  const result = document.getElementById('import-result');
  const el = (tag, text, cls) => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const query = new URLSearchParams({ format: form.format.value });
    if (form.ppeCode.value) query.set('ppeCode', form.ppeCode.value);
    result.replaceChildren(el('p', texts.sending));
    try {
      const response = await fetch('/portal/import?' + query, { method: 'POST', headers: { 'content-type': 'text/csv', 'x-csrf-token': csrf }, body: form.file.files[0] });
      const type = response.headers.get('content-type') || '';
      if (!type.includes('json')) throw new Error(String(response.status));
      const report = await response.json();
      // the API's refusals (413, 403) come as problem+json: said in the page's words
      if (report.title === undefined || report.summary === undefined) {
        result.replaceChildren(el('p', response.status === 413 ? texts.tooLarge : response.status === 403 ? texts.expired : texts.failed, 'bad'));
        return;
      }
      const box = el('div', undefined, report.ok ? 'note' : 'warn');
      box.dataset.testid = 'import-report';
      box.append(el('h3', report.title, report.ok ? 'ok' : 'bad'));
      const list = el('ul');
      for (const line of report.summary) list.append(el('li', line));
      box.append(list);
      if (report.ok && texts.reload) box.append(el('p', texts.reload));
      if (report.bad.length) {
        const table = el('table');
        const head = el('tr');
        head.append(el('th', texts.line), el('th', texts.reason));
        for (const th of head.children) th.scope = 'col';
        const thead = el('thead');
        thead.append(head);
        const body = el('tbody');
        for (const bad of report.bad) {
          const row = el('tr');
          row.append(el('td', bad.line), el('td', bad.reason));
          body.append(row);
        }
        table.append(el('caption', texts.badLines), thead, body);
        box.append(table);
        if (report.more) box.append(el('p', report.more, 'muted'));
      }
      result.replaceChildren(box);
    } catch {
      result.replaceChildren(el('p', texts.failed, 'bad'));
    }
  });
})();
