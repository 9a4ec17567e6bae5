// The auditor's page: the chain's verification with what its numbers mean, a month's
// replay compared with the close and the live view (member names, field labels, zł and
// kWh), the export.
import { type Format, t, type TextKey } from '../../domain/i18n.js';
import { html, type SafeHtml } from '../template.js';
import { table } from './parts.js';

export interface AuditView {
  verify: { intact: boolean; streams: number; events: number; headsDigest: string; through: string | null };
  months: string[];
  month?: string;
  replay?: {
    closed: boolean;
    identical: boolean;
    replayedIdentical: boolean;
    liveIdentical: boolean;
    digestMatches: boolean | null;
    members: number;
    differences: { memberName: string; field: string; live: number | null; closed: number | null; replayed: number | null }[];
  };
}

/** A compared field's value in its unit. */
export function fieldValue(f: Format, field: string, value: number | null): string {
  if (value === null) return '—';
  if (field.endsWith('Wh')) return f.kwh(value);
  if (field.endsWith('Grosze')) return f.zl(value);
  if (field.endsWith('Bp')) return f.percentBp(value);
  return f.int(value);
}

export function auditView(f: Format, v: AuditView): SafeHtml {
  const lang = f.lang;
  const yesNo = (b: boolean) => html`<span class="${b ? 'ok' : 'bad'}">${t(lang, b ? 'yes' : 'no')}</span>`;
  let replay: SafeHtml | string = '';
  if (v.month && v.replay) {
    const r = v.replay;
    const rows: [string, SafeHtml][] = r.closed
      ? [
          [t(lang, 'replayMatchesClose'), yesNo(r.replayedIdentical)],
          [t(lang, 'liveMatchesClose'), yesNo(r.liveIdentical)],
        ]
      : [[t(lang, 'liveMatchesReplay'), yesNo(r.liveIdentical && r.replayedIdentical)]];
    if (r.digestMatches !== null) rows.push([t(lang, 'digestMatches'), yesNo(r.digestMatches)]);
    replay = html`<h3>${f.month(v.month)} (${r.closed ? t(lang, 'closed') : t(lang, 'notClosedYet')})</h3>
<p data-testid="replay">${t(lang, 'status')}: <strong class="${r.identical ? 'ok' : 'bad'}">${t(lang, r.identical ? 'identical' : 'differences')}</strong> · ${t(lang, 'members')}: ${f.int(r.members)}</p>
${table([{ label: t(lang, 'check') }, { label: t(lang, 'result') }], rows)}
${
  r.differences.length
    ? html`<h3>${t(lang, 'differencesHeading')}</h3>${table(
        [
          { label: t(lang, 'member') },
          { label: t(lang, 'field') },
          { label: t(lang, 'liveValue'), num: true },
          { label: t(lang, 'closedValue'), num: true },
          { label: t(lang, 'replayedValue'), num: true },
        ],
        r.differences.slice(0, 100).map((d) => [d.memberName, t(lang, d.field as TextKey), fieldValue(f, d.field, d.live), fieldValue(f, d.field, d.closed), fieldValue(f, d.field, d.replayed)]),
        { testId: 'differences' },
      )}`
    : ''
}`;
  }
  return html`<section aria-labelledby="chain-h"><h2 id="chain-h">${t(lang, 'chain')}</h2><p class="muted small">${t(lang, 'chainHelp')}</p>
<p data-testid="chain" class="big ${v.verify.intact ? 'ok' : 'bad'}">${t(lang, v.verify.intact ? 'intact' : 'broken')}</p>
<dl class="facts"><dt>${t(lang, 'streams')}</dt><dd><span data-testid="streams">${f.int(v.verify.streams)}</span><br><span class="muted small">${t(lang, 'streamsHelp')}</span></dd>
<dt>${t(lang, 'events')}</dt><dd data-testid="events">${f.int(v.verify.events)}</dd>
${v.verify.through ? html`<dt>${t(lang, 'through')}</dt><dd>${v.verify.through}<br><span class="muted small">${t(lang, 'throughHelp')}</span></dd>` : ''}
<dt>${t(lang, 'headsDigest')}</dt><dd><code data-testid="heads-digest">${v.verify.headsDigest}</code><br><span class="muted small">${t(lang, 'headsDigestHelp')}</span></dd></dl></section>
<section aria-labelledby="replay-h"><h2 id="replay-h">${t(lang, 'replay')}</h2><p class="muted small">${t(lang, 'replayHelp')}</p>
<form class="inline" method="get"><div><label for="month">${t(lang, 'month')}</label><select id="month" name="month">${v.months.map((m) => html`<option value="${m}"${m === v.month ? html` selected` : ''}>${f.month(m)}</option>`)}</select></div><button type="submit">${t(lang, 'show')}</button></form>
${replay}</section>
<section aria-labelledby="export-h"><h2 id="export-h">${t(lang, 'exportLog')}</h2><p class="muted small">${t(lang, 'exportHelp')}</p><p><a href="/portal/audit/export" download>${t(lang, 'exportLog')}</a></p></section>`;
}
