// The coordinator's month: totals and thresholds (from the close when closed), the trend,
// members, documents with what issuing did, pending corrections, transfers, support,
// compliance, KSeF, completeness, the DSO import and the month's actions.
import type { ClusterMonth, MemberStatement } from '../../../settlement/domain/engine/statement.js';
import { type Format, t, type TextKey } from '../../domain/i18n.js';
import { html, jsonBlock, type Html, type SafeHtml } from '../template.js';
import { type DocumentRow, documentsTable, facts, kindName, table } from './parts.js';

export interface ClusterMonthView {
  month: string;
  closed: boolean;
  closedAt?: string;
  totals: ClusterMonth;
  statements: readonly MemberStatement[];
  names: (memberId: string) => string;
  trend: { month: string; selfSufficiencyBp: number }[];
  documents: DocumentRow[];
  showKsef: boolean;
  ksefConnection?: { connected: boolean; environment?: string };
  pending: { memberName: string; document: string | null; differenceNetGrosze: number }[];
  gaps: { ppeCode: string; missing: { from: string; to: string }[] }[];
  /** The transfer matrix (receiver × supplier, Wh), when available. */
  transfers?: { receivers: string[]; suppliers: string[]; wh: number[][] };
  supportRows?: [string, Html][];
  compliance?: { warnings: string[] };
  /** Import profiles (built-in and the cluster's own): name and description. */
  profiles: { name: string; description?: string }[];
}

export function clusterMonthView(f: Format, v: ClusterMonthView): SafeHtml {
  const lang = f.lang;
  const k = (key: TextKey, kpi: ClusterMonth['selfSufficiency']): [string, Html] => [
    t(lang, key),
    html`${f.percentBp(kpi.valueBp)}${kpi.thresholdBp !== null ? html`<br><span class="small">${t(lang, 'threshold')} ${f.percentBp(kpi.thresholdBp)}: <span class="${kpi.met ? 'ok' : 'bad'}">${t(lang, kpi.met ? 'met' : 'notMet')}</span></span>` : ''}`,
  ];
  const totals = facts(lang, [
    ['importWh', f.kwh(v.totals.importWh)],
    ['exportWh', f.kwh(v.totals.exportWh)],
    ['receivedWh', f.kwh(v.totals.receivedWh)],
    k('selfSufficiency', v.totals.selfSufficiency),
    k('renewableShare', v.totals.renewableShare),
  ]);
  const members = table(
    [
      { label: t(lang, 'member') },
      { label: t(lang, 'importWh'), num: true },
      { label: t(lang, 'exportWh'), num: true },
      { label: t(lang, 'receivedWh'), num: true },
      { label: t(lang, 'suppliedWh'), num: true },
      { label: t(lang, 'netAmountGrosze'), num: true },
    ],
    [...v.statements]
      .sort((a, b) => v.names(a.memberId).localeCompare(v.names(b.memberId), f.locale))
      .map((s) => [
        html`<a href="/portal/months/${v.month}?member=${encodeURIComponent(s.memberId)}">${v.names(s.memberId)}</a>`,
        f.kwh(s.importWh),
        f.kwh(s.exportWh),
        f.kwh(s.receivedWh),
        f.kwh(s.suppliedWh),
        f.zl(s.netAmountGrosze),
      ]),
    { testId: 'members' },
  );
  const counts = new Map<string, number>();
  for (const d of v.documents) counts.set(d.kind, (counts.get(d.kind) ?? 0) + 1);
  const summary = [...counts].map(([kind, n]) => `${kindName(lang, kind)}: ${String(n)}`).join(' · ');
  const documents = html`<section aria-labelledby="docs-h"><h2 id="docs-h">${t(lang, 'documentsOfMonth')}</h2>
${v.documents.length ? html`<p data-testid="issued-summary">${t(lang, 'issuedCount')}: <strong>${f.int(v.documents.length)}</strong> (${summary})</p>${documentsTable(f, v.documents, true, v.showKsef)}` : html`<p class="muted">${t(lang, 'noDocuments')}</p>`}
${v.closed && !v.documents.some((d) => d.kind !== 'correction') ? html`<form method="post" action="/portal/cluster/${v.month}/invoices"><button type="submit">${t(lang, 'issueInvoices')}</button></form>` : ''}</section>`;
  const pending = v.closed
    ? html`<section aria-labelledby="pending-h"><h2 id="pending-h">${t(lang, 'corrections')}</h2>
${
  v.pending.length
    ? html`<p>${t(lang, 'pendingCorrectionHelp')}</p>${table(
        [{ label: t(lang, 'member') }, { label: t(lang, 'toDocument') }, { label: t(lang, 'pendingDifference'), num: true }],
        v.pending.map((p) => [p.memberName, p.document ?? t(lang, 'noDocumentYet'), f.signedZl(p.differenceNetGrosze)]),
        { testId: 'pending' },
      )}
<form method="post" action="/portal/cluster/${v.month}/corrections" class="inline"><div><label for="creason">${t(lang, 'correctionReason')}</label><input id="creason" name="reason" required size="40"></div><button type="submit">${t(lang, 'issueCorrections')}</button></form>`
    : html`<p class="muted">${t(lang, 'noPending')}</p>`
}</section>`
    : '';
  const matrix = v.transfers;
  const transfers = matrix
    ? html`<section aria-labelledby="transfers-h"><h2 id="transfers-h">${t(lang, 'transfers')}</h2><p class="muted small">${t(lang, 'transfersHelp')}</p>
<div class="chart" style="height:${Math.min(640, 110 + 36 * matrix.receivers.length)}px"><canvas id="transfers" role="img" aria-label="${t(lang, 'transfers')}"></canvas></div>
${table(
  [{ label: t(lang, 'receiver') }, ...matrix.suppliers.map((s) => ({ label: s, num: true })), { label: t(lang, 'total'), num: true }],
  matrix.receivers.map((r, i) => {
    const row = matrix.wh[i] ?? [];
    return [r, ...row.map((wh) => f.kwh(wh)), f.kwh(row.reduce((a, b) => a + b, 0))];
  }),
  { testId: 'transfers' },
)}</section>`
    : '';
  const support = v.supportRows ? html`<section><h2>${t(lang, 'supportLedger')}</h2>${facts(lang, v.supportRows)}</section>` : '';
  const compliance = v.compliance
    ? html`<section aria-labelledby="compliance-h"><h2 id="compliance-h">${t(lang, 'compliance')}</h2>${v.compliance.warnings.length ? html`<ul data-testid="warnings">${v.compliance.warnings.map((w) => html`<li class="bad">${w}</li>`)}</ul>` : html`<p class="ok">${t(lang, 'noWarnings')}</p>`}</section>`
    : '';
  const ksef = v.ksefConnection
    ? html`<section><h2>${t(lang, 'ksefConnection')}</h2><p data-testid="ksef-connection">${v.ksefConnection.connected ? html`<span class="ok">${t(lang, 'ksefConnected')}</span>${v.ksefConnection.environment ? html` (${t(lang, 'ksefEnvironment')}: ${v.ksefConnection.environment})` : ''}` : html`<span class="bad">${t(lang, 'ksefNotConnectedShort')}</span>`}</p></section>`
    : '';
  const completeness = html`<section aria-labelledby="gaps-h"><h2 id="gaps-h">${t(lang, 'completeness')}</h2>${
    v.gaps.length === 0
      ? html`<p class="ok">${t(lang, 'complete')}</p>`
      : table(
          [{ label: t(lang, 'ppeCode') }, { label: t(lang, 'missing') }],
          v.gaps.map((g) => [
            g.ppeCode,
            html`${g.missing.slice(0, 5).map((m, i) => html`${i ? html`<br>` : ''}${f.instant(m.from)} – ${f.instant(m.to)}`)}${g.missing.length > 5 ? html`<br>${t(lang, 'andMore')} (${f.int(g.missing.length - 5)})` : ''}`,
          ]),
        )
  }</section>`;
  const importForm = html`<section aria-labelledby="import-h"><h2 id="import-h">${t(lang, 'importFile')}</h2><form id="import" class="inline"><div><label for="format">${t(lang, 'format')}</label><select id="format" name="format"><option value="tauron">Tauron eLicznik</option><option value="enea">Enea eBOK</option><option value="generic">${t(lang, 'formatGeneric')}</option>${v.profiles.map((p) => html`<option value="profile:${p.name}">${t(lang, 'formatProfile')}: ${profileTitle(p)}</option>`)}</select></div>
<div><label for="ppe">${t(lang, 'ppeCodeHint')}</label><input id="ppe" name="ppeCode"></div><div><label for="file">${t(lang, 'file')}</label><input id="file" name="file" type="file" accept=".csv,.txt,text/csv" required></div><button type="submit">${t(lang, 'send')}</button></form>
<div id="import-result" role="status" aria-live="polite"></div></section>`;
  const close = v.closed
    ? ''
    : html`<section aria-labelledby="close-h"><h2 id="close-h">${t(lang, 'closeMonth')}</h2><p class="muted small">${t(lang, 'closeHelp')}</p><form method="post" action="/portal/cluster/${v.month}/close" class="inline"><label class="check"><input type="checkbox" name="allowGaps" value="1"> ${t(lang, 'allowGaps')}</label><div><label for="reason">${t(lang, 'closeReason')}</label><input id="reason" name="reason" size="40"></div><button type="submit">${t(lang, 'closeMonth')}</button></form></section>`;
  return html`<p>${t(lang, 'status')}: <strong data-testid="status">${t(lang, v.closed ? 'closed' : 'provisional')}</strong>${v.closedAt ? html` <span class="muted">(${t(lang, 'closedOn')} ${f.instant(v.closedAt)})</span>` : ''}</p>
${v.closed ? html`<p class="note">${t(lang, 'closedNote')}</p>` : ''}
<div class="grid"><section><h2>${t(lang, 'totals')}</h2>${totals}</section>
<section aria-labelledby="trend-h"><h2 id="trend-h">${t(lang, 'trend')}</h2><div class="chart"><canvas id="trend" role="img" aria-label="${t(lang, 'trend')}"></canvas></div>
<details><summary>${t(lang, 'chartTable')}</summary>${table(
    [{ label: t(lang, 'month') }, { label: t(lang, 'selfSufficiency'), num: true }],
    v.trend.map((r) => [f.month(r.month), f.percentBp(r.selfSufficiencyBp)]),
  )}</details></section></div>
${close}${documents}${ksef}${pending}
<section><h2>${t(lang, 'members')}</h2>${members}<p class="muted small">${t(lang, 'negativeIsOwed')}</p></section>
${transfers}${support}${compliance}${completeness}${importForm}
${jsonBlock('cluster-month-data', {
  months: v.trend.map((r) => f.month(r.month)),
  selfSufficiency: v.trend.map((r) => r.selfSufficiencyBp / 100),
  label: t(lang, 'selfSufficiency'),
  transfers: v.transfers ? { receivers: v.transfers.receivers, suppliers: v.transfers.suppliers, kwh: v.transfers.wh.map((row) => row.map((wh) => wh / 1000)) } : null,
  texts: importTexts(f),
})}`;
}

/** What the import script writes, in the page's language. */
function importTexts(f: Format) {
  const lang = f.lang;
  return {
    sending: t(lang, 'importing'),
    reload: t(lang, 'importReload'),
    tooLarge: t(lang, 'importTooLarge'),
    expired: t(lang, 'importExpired'),
    failed: t(lang, 'importFailed'),
    badLines: t(lang, 'badLines'),
    line: t(lang, 'line'),
    reason: t(lang, 'reason'),
  };
}

/** A profile as a person recognises it: its description up to the first colon (the DSO and its portal), else its name. */
function profileTitle(p: { name: string; description?: string }): string {
  return p.description?.split(/[:,]/)[0]?.trim() || p.name;
}
