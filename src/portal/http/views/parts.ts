// Pieces several pages share: tables, key-value tables, documents with their KSeF state,
// the file report. Every value goes through `html`, so it is escaped.
import type { Format, Lang, TextKey } from '../../domain/i18n.js';
import { hasText, t } from '../../domain/i18n.js';
import { html, type Html, type SafeHtml } from '../template.js';

export interface Column {
  label: string;
  num?: boolean;
}

export function table(columns: Column[], rows: Html[][], options: { caption?: string; foot?: Html[]; testId?: string } = {}): SafeHtml {
  return html`<div class="scroll"><table${options.testId ? html` data-testid="${options.testId}"` : ''}>${options.caption ? html`<caption class="muted small">${options.caption}</caption>` : ''}<thead><tr>${columns.map((c) => html`<th scope="col"${c.num ? html` class="num"` : ''}>${c.label}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${r.map((cell, i) => (i === 0 && !columns[0]?.num ? html`<th scope="row">${cell}</th>` : html`<td${columns[i]?.num ? html` class="num"` : ''}>${cell}</td>`))}</tr>`)}</tbody>
${options.foot ? html`<tfoot><tr class="sum">${options.foot.map((cell, i) => html`<td${columns[i]?.num ? html` class="num"` : ''}>${cell}</td>`)}</tr></tfoot>` : ''}</table></div>`;
}

/** Label / value rows (the statement's sections). */
/** Label / value rows under a section's heading (no column headers: the heading says what they are). */
export function facts(lang: Lang, rows: [string, Html][]): SafeHtml {
  return html`<div class="scroll"><table><tbody>${rows.map(([k, v]) => html`<tr><th scope="row">${hasText(k) ? t(lang, k) : k}</th><td class="num">${v}</td></tr>`)}</tbody></table></div>`;
}

export type DocumentKind = 'invoice' | 'self_billing' | 'settlement_statement' | 'correction';

export function kindName(lang: Lang, kind: string, correctedKind?: string): string {
  const name = t(lang, `kind_${kind}` as TextKey);
  return kind === 'correction' && correctedKind ? `${name} (${t(lang, `kind_${correctedKind}` as TextKey).toLowerCase()})` : name;
}

/** A document as people read it: the gross of an original, the signed difference of a correction. */
export interface DocumentRow {
  invoiceId: string;
  number: string;
  kind: string;
  correctedKind?: string;
  correctedNumber?: string;
  memberName: string;
  issueDate: string;
  grossGrosze: number;
  /** Corrections: after minus before, gross. */
  differenceGrossGrosze?: number;
  ksef?: KsefState;
  xml: boolean;
}

export type KsefState =
  | { status: 'not_sent'; notConnected: boolean }
  | { status: 'not_applicable' }
  | { status: 'queued' | 'sent' }
  | { status: 'accepted'; ksefNumber: string }
  | { status: 'refused'; code: string | number; reason: string };

/** compact: the coordinator's table, where the connection is said once beside it. */
export function ksefLabel(lang: Lang, view: KsefState, compact = false): SafeHtml {
  switch (view.status) {
    case 'not_sent':
      return html`${t(lang, 'ksefNotSent')}${view.notConnected && !compact ? html`<span class="muted small">: ${t(lang, 'ksefNotConnected')}</span>` : ''}`;
    case 'not_applicable':
      return html`<span class="muted">${t(lang, 'ksefNotApplicable')}</span>`;
    case 'queued':
      return html`${t(lang, 'ksefQueued')}`;
    case 'sent':
      return html`${t(lang, 'ksefSent')}`;
    case 'accepted':
      return html`<span class="ok">${t(lang, 'ksefAccepted')}</span> <span data-testid="ksef-number">${view.ksefNumber}</span>`;
    case 'refused':
      return html`<span class="bad">${t(lang, 'ksefRefused')} (${String(view.code)}): ${view.reason}</span>`;
  }
}

export function amountOf(f: Format, d: DocumentRow): SafeHtml {
  return d.differenceGrossGrosze !== undefined
    ? html`<span data-testid="difference" class="${d.differenceGrossGrosze > 0 ? 'pos' : 'neg'}">${f.signedZl(d.differenceGrossGrosze)}</span><br><span class="muted small">${t(f.lang, 'differenceGross')}</span>`
    : html`${f.zl(d.grossGrosze)}`;
}

export function downloads(lang: Lang, d: DocumentRow): SafeHtml {
  // read out as "PDF, FV/2026/000001": the visible text first (WCAG 2.5.3), then which document
  const link = (ext: 'pdf' | 'xml', label: TextKey) =>
    html`<a href="/portal/invoices/${encodeURIComponent(d.invoiceId)}.${ext}" aria-label="${t(lang, label)}, ${d.number}" download>${t(lang, label)}</a>`;
  return html`${link('pdf', 'downloadPdf')}${d.xml ? html` · ${link('xml', 'downloadXml')}` : ''}`;
}

export function documentsTable(f: Format, documents: DocumentRow[], withMember: boolean, showKsef: boolean): SafeHtml {
  const compact = withMember;
  const lang = f.lang;
  const columns: Column[] = [
    { label: t(lang, 'number') },
    { label: t(lang, 'kind') },
    ...(withMember ? [{ label: t(lang, 'member') }] : []),
    { label: t(lang, 'issueDate') },
    { label: t(lang, 'gross'), num: true },
    ...(showKsef ? [{ label: t(lang, 'ksef') }] : []),
    { label: t(lang, 'download') },
  ];
  return table(
    columns,
    documents.map((d) => [
      d.number,
      html`${kindName(lang, d.kind, d.correctedKind)}${d.correctedNumber ? html`<br><span class="muted small">${t(lang, 'corrects')} ${d.correctedNumber}</span>` : ''}`,
      ...(withMember ? [d.memberName] : []),
      f.day(d.issueDate),
      amountOf(f, d),
      ...(showKsef ? [d.ksef ? ksefLabel(lang, d.ksef, compact) : ''] : []),
      downloads(lang, d),
    ]),
    { testId: 'documents' },
  );
}
