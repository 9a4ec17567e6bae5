// A member's month: the statement (from the close when the month is closed), what arrived
// later as a pending correction with its signed difference, day-by-day and interval charts
// (static script, data as JSON), whose energy it received, its documents.
import type { MemberStatement } from '../../../settlement/domain/engine/statement.js';
import { type Format, t } from '../../domain/i18n.js';
import { html, jsonBlock, type SafeHtml } from '../template.js';
import { type DocumentRow, documentsTable, facts, table } from './parts.js';

export interface DayRow {
  day: string;
  selfConsumedWh: number;
  receivedWh: number;
  gridImportWh: number;
  suppliedWh: number;
  gridExportWh: number;
}

export interface CurvePoint {
  intervalStart: string;
  importWh: number | null;
  receivedWh: number | null;
  exportWh: number | null;
}

export interface Support {
  renewableMatchedWh: number;
  exemptWh: number;
  waivedOzeGrosze: number;
  waivedCogenerationGrosze: number;
}

export interface MemberMonthView {
  month: string;
  memberName: string;
  /** For the coordinator's and auditor's view of a member: kept in the day form. */
  memberParam?: string;
  /** The coordinator's way back to the cluster month. */
  backToCluster?: boolean;
  status: 'closed' | 'provisional' | 'noData';
  closedAt?: string;
  statement?: MemberStatement & { support?: Support };
  names: (memberId: string) => string;
  /** closed: the charts were recomputed from the events up to the close. */
  detailFromClose: boolean;
  daily: DayRow[];
  chosenDay: string;
  curve: CurvePoint[];
  /** Its row of the transfer matrix (supplier name, Wh), or undefined while the matrix is not available. */
  receivedFrom?: { name: string; wh: number }[];
  documents: DocumentRow[];
  showKsef: boolean;
  pending: { document: string | null; differenceNetGrosze: number }[];
}

export function memberMonthView(f: Format, v: MemberMonthView): SafeHtml {
  const lang = f.lang;
  const s = v.statement;
  const statusText = v.status === 'closed' ? t(lang, 'closed') : v.status === 'provisional' ? t(lang, 'provisional') : t(lang, 'noData');
  const head = html`${v.backToCluster ? html`<p><a href="/portal/cluster/${v.month}">${t(lang, 'backToCluster')}</a></p>` : ''}<p>${t(lang, 'member')}: <strong>${v.memberName}</strong> · ${t(lang, 'status')}: <strong data-testid="status">${statusText}</strong>${v.closedAt ? html` <span class="muted">(${t(lang, 'closedOn')} ${f.instant(v.closedAt)})</span>` : ''}</p>
${v.status === 'closed' ? html`<p class="note">${t(lang, 'closedNote')}</p>` : ''}`;
  if (!s) {
    return html`${head}<p class="note" data-testid="no-data">${t(lang, 'noDataYet')}</p>${documentsSection(f, v)}`;
  }
  // what the corrections issued after the close change: an invoice's raises what the member
  // pays, a self-billing invoice's or statement's raises what it is owed
  const corrections = v.documents
    .filter((d) => d.kind === 'correction' && d.differenceGrossGrosze !== undefined)
    .reduce((a, d) => a + (d.correctedKind === 'invoice' ? (d.differenceGrossGrosze ?? 0) : -(d.differenceGrossGrosze ?? 0)), 0);
  const hasCorrections = v.documents.some((d) => d.kind === 'correction');
  const due = s.netAmountGrosze + corrections;
  const headline = html`<section aria-labelledby="due"><h2 id="due">${due > 0 ? t(lang, 'toPay') : due < 0 ? t(lang, 'owedToYou') : t(lang, 'nothingDue')}${v.status === 'provisional' ? html` <span class="muted small">(${t(lang, 'provisionalShort')})</span>` : ''}</h2>
<p class="big" data-testid="net-amount">${f.zl(Math.abs(due))}</p>
${hasCorrections ? html`<p class="small">${t(lang, 'netAmountGrosze')}: ${f.zl(s.netAmountGrosze)}<br>${t(lang, 'correctionsIssued')}: <span data-testid="corrections-total">${f.signedZl(corrections)}</span></p>` : ''}
<p class="muted small">${t(lang, 'headlineHelp')}</p></section>`;
  const pending = v.pending.length
    ? html`<section class="warn" aria-labelledby="pending" data-testid="pending"><h2 id="pending">${t(lang, 'pendingCorrection')}</h2><p>${t(lang, 'pendingCorrectionHelp')}</p>
${table(
  [{ label: t(lang, 'toDocument') }, { label: t(lang, 'pendingDifference'), num: true }],
  v.pending.map((p) => [p.document ?? t(lang, 'noDocumentYet'), f.signedZl(p.differenceNetGrosze)]),
)}</section>`
    : '';
  const energy = facts(
    lang,
    (['importWh', 'exportWh', 'selfConsumedWh', 'receivedWh', 'suppliedWh', 'gridImportWh', 'gridExportWh'] as const).map((k) => [k, f.kwh(s[k])]),
  );
  const money = facts(
    lang,
    (['receivedValueGrosze', 'suppliedValueGrosze', 'feesGrosze', 'vatGrosze', 'netAmountGrosze', 'savingsGrosze'] as const).map((k) => [k, f.zl(s[k])]),
  );
  const shares = facts(
    lang,
    (['exportShareBp', 'importShareBp', 'suppliedShareBp', 'receivedShareBp'] as const).map((k) => [k, f.percentBp(s[k])]),
  );
  const support = s.support
    ? html`<section><h2>${t(lang, 'support')}</h2>${facts(lang, [
        ['renewableMatchedWh', f.kwh(s.support.renewableMatchedWh)],
        ['exemptWh', f.kwh(s.support.exemptWh)],
        ['waivedOzeGrosze', f.zl(s.support.waivedOzeGrosze)],
        ['waivedCogenerationGrosze', f.zl(s.support.waivedCogenerationGrosze)],
      ])}</section>`
    : '';
  const contracts = s.contracts.length
    ? html`<section><h2>${t(lang, 'contracts')}</h2>${table(
        [
          { label: t(lang, 'counterparty') },
          { label: t(lang, 'contracted'), num: true },
          { label: t(lang, 'delivered'), num: true },
          { label: t(lang, 'shortfall'), num: true },
          { label: t(lang, 'value'), num: true },
        ],
        s.contracts.map((c) => [
          `${t(lang, c.role === 'seller' ? 'contractSeller' : 'contractBuyer')}: ${v.names(c.counterpartyMemberId)}`,
          f.kwh(c.contractedWh),
          f.kwh(c.deliveredWh),
          f.kwh(c.shortfallWh),
          f.zl(c.valueGrosze),
        ]),
      )}</section>`
    : '';
  const chartLabels = {
    own: t(lang, 'selfConsumedWh'),
    cluster: t(lang, 'receivedWh'),
    grid: t(lang, 'gridImportWh'),
    supplied: t(lang, 'suppliedWh'),
    fedIn: t(lang, 'gridExportWh'),
    imported: t(lang, 'importWh'),
    exported: t(lang, 'exportWh'),
    kwh: 'kWh',
    wh: 'Wh',
    locale: f.locale,
    month: f.month(v.month),
    supplier: t(lang, 'receivedFrom'),
  };
  const chart = {
    days: v.daily.map((d) => String(Number(d.day.slice(8)))),
    // kWh with three decimals, as text then number: integer Wh divided only for drawing
    own: v.daily.map((d) => d.selfConsumedWh / 1000),
    cluster: v.daily.map((d) => d.receivedWh / 1000),
    grid: v.daily.map((d) => d.gridImportWh / 1000),
    supplied: v.daily.map((d) => d.suppliedWh / 1000),
    fedIn: v.daily.map((d) => d.gridExportWh / 1000),
    times: v.curve.map((i) => f.time(i.intervalStart)),
    curveImport: v.curve.map((i) => i.importWh),
    curveReceived: v.curve.map((i) => i.receivedWh),
    curveExport: v.curve.map((i) => i.exportWh),
    from: v.receivedFrom?.map((r) => r.name) ?? [],
    fromKwh: v.receivedFrom?.map((r) => r.wh / 1000) ?? [],
  };
  const detailNote = v.status === 'closed' && v.detailFromClose ? html`<p class="muted small" data-testid="detail-source">${t(lang, 'closedDetailNote')}</p>` : '';
  const dailyTable = table(
    [
      { label: t(lang, 'day') },
      { label: chartLabels.own, num: true },
      { label: chartLabels.cluster, num: true },
      { label: chartLabels.grid, num: true },
      { label: chartLabels.supplied, num: true },
      { label: chartLabels.fedIn, num: true },
    ],
    v.daily.map((d) => [f.day(d.day), f.kwh(d.selfConsumedWh), f.kwh(d.receivedWh), f.kwh(d.gridImportWh), f.kwh(d.suppliedWh), f.kwh(d.gridExportWh)]),
  );
  const receivedFrom = v.receivedFrom
    ? html`<section aria-labelledby="from"><h2 id="from">${t(lang, 'receivedFrom')}</h2><p class="muted small">${t(lang, 'receivedFromHelp')}</p>
${v.receivedFrom.length ? html`<div class="chart" style="height:${Math.min(480, 100 + 36 * v.receivedFrom.length)}px"><canvas id="from-chart" role="img" aria-label="${t(lang, 'receivedFrom')}"></canvas></div>` : ''}
${table(
  [{ label: t(lang, 'supplier') }, { label: t(lang, 'receivedWh'), num: true }],
  v.receivedFrom.map((r) => [r.name, f.kwh(r.wh)]),
  { testId: 'received-from' },
)}</section>`
    : '';
  return html`${head}${pending}
<div class="grid">${headline}<section><h2>${t(lang, 'energy')}</h2>${energy}</section>
<section><h2>${t(lang, 'money')}</h2>${money}</section>
<section><h2>${t(lang, 'shares')}</h2>${shares}</section>${support}</div>${contracts}
${receivedFrom}
<section aria-labelledby="daily-h"><h2 id="daily-h">${t(lang, 'daily')}</h2><p class="muted small">${t(lang, 'dailyHelp')}</p>${detailNote}
<div class="chart"><canvas id="daily" role="img" aria-label="${t(lang, 'daily')}"></canvas></div>
<details><summary>${t(lang, 'chartTable')}</summary>${dailyTable}</details></section>
<section aria-labelledby="curve-h"><h2 id="curve-h">${t(lang, 'dayCurve')}</h2>
<form class="inline" method="get"><div><label for="day">${t(lang, 'day')}</label><input id="day" name="day" type="date" value="${v.chosenDay}" min="${v.month}-01" max="${v.month}-${String(daysIn(v.month)).padStart(2, '0')}"></div>${v.memberParam ? html`<input type="hidden" name="member" value="${v.memberParam}">` : ''}<button type="submit">${t(lang, 'show')}</button></form>
<p class="muted small">${f.day(v.chosenDay)}</p>
<div class="chart"><canvas id="curve" role="img" aria-label="${t(lang, 'dayCurve')}: ${f.day(v.chosenDay)}"></canvas></div></section>
${documentsSection(f, v)}
${jsonBlock('member-month-data', { chart, labels: chartLabels })}`;
}

function documentsSection(f: Format, v: MemberMonthView): SafeHtml {
  const lang = f.lang;
  return html`<section aria-labelledby="docs-h"><h2 id="docs-h">${t(lang, 'documents')}</h2>${v.documents.length ? documentsTable(f, v.documents, false, v.showKsef) : html`<p class="muted">${t(lang, 'noDocuments')}</p>`}</section>`;
}

function daysIn(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}
