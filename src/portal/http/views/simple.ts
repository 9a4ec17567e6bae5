// The small pages: sign-in, the months list, an error.
import { type Format, type Lang, t } from '../../domain/i18n.js';
import { html, type SafeHtml } from '../template.js';
import { table } from './parts.js';

export function signInView(lang: Lang): SafeHtml {
  return html`<section><p>${t(lang, 'signInIntro')}</p><form method="post" action="/portal/sign-in">
<label for="token">${t(lang, 'token')}</label><input id="token" name="token" type="password" autocomplete="off" required size="50">
<p><button type="submit">${t(lang, 'signIn')}</button></p></form></section>`;
}

export interface HomeMonth {
  month: string;
  status: 'closed' | 'provisional' | 'noData';
  href: string;
}

export function homeView(f: Format, months: HomeMonth[], extra: { admittedOn?: string; auditLink: boolean }): SafeHtml {
  const lang = f.lang;
  const status = (s: HomeMonth['status']) =>
    s === 'closed' ? html`<span class="ok">${t(lang, 'closed')}</span>` : s === 'provisional' ? t(lang, 'provisionalShort') : html`<span class="muted">${t(lang, 'noData')}</span>`;
  return html`<section><h2>${t(lang, 'months')}</h2>${extra.admittedOn ? html`<p class="muted">${t(lang, 'admittedOn')}: ${f.day(extra.admittedOn)}</p>` : ''}
${table(
  [{ label: t(lang, 'month') }, { label: t(lang, 'status') }],
  months.map((m) => [html`<a href="${m.href}">${f.month(m.month)}</a>`, status(m.status)]),
  { testId: 'months' },
)}
${extra.auditLink ? html`<p><a href="/portal/audit">${t(lang, 'audit')}</a></p>` : ''}</section>`;
}

export function errorView(lang: Lang): SafeHtml {
  return html`<p><a href="/portal/home">${t(lang, 'backToMonths')}</a></p>`;
}
