// Server-rendered pages: plain HTML, one small stylesheet, Chart.js served from the
// installed package (no build step at run time).
import { type Lang, t, type TextKey } from './i18n.js';

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function kwh(wh: number): string {
  return `${Math.floor(wh / 1000).toLocaleString('pl-PL')},${String(wh % 1000).padStart(3, '0')} kWh`;
}

export function zl(grosze: number): string {
  const sign = grosze < 0 ? '−' : '';
  const abs = Math.abs(grosze);
  return `${sign}${Math.floor(abs / 100).toLocaleString('pl-PL')},${String(abs % 100).padStart(2, '0')} zł`;
}

export function percentBp(bp: number): string {
  return `${Math.floor(bp / 100)},${String(bp % 100).padStart(2, '0')} %`;
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1a1a1a;background:#f6f7f9;line-height:1.45}
header{background:#14532d;color:#fff;padding:.6rem 1rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
header a,header button{color:#fff}header .spacer{flex:1}
main{max-width:1100px;margin:0 auto;padding:1rem}
section{background:#fff;border:1px solid #d0d5dd;border-radius:6px;padding:1rem;margin:0 0 1rem}
h1{font-size:1.4rem;margin:.2rem 0 1rem}h2{font-size:1.1rem;margin:0 0 .6rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e4e7ec;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}td.num{white-space:nowrap}.scroll{overflow-x:auto}
label{display:block;margin:.4rem 0 .2rem;font-weight:600}
input,select,button{font:inherit;padding:.45rem .6rem;border:1px solid #667085;border-radius:4px}
button{background:#14532d;color:#fff;border-color:#14532d;cursor:pointer}
button:focus,a:focus,input:focus,select:focus{outline:3px solid #f59e0b;outline-offset:2px}
.msg{padding:.6rem .8rem;border-radius:4px;background:#fef3c7;border:1px solid #b45309;margin-bottom:1rem}
.ok{color:#166534;font-weight:600}.bad{color:#b42318;font-weight:600}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:1rem}
.inline{display:flex;gap:.5rem;flex-wrap:wrap;align-items:end}
canvas{max-width:100%}
@media (max-width:600px){main{padding:.5rem}th,td{padding:.3rem}}
`;

export interface PageOptions {
  lang: Lang;
  title: string;
  body: string;
  signedIn?: { label: string; role: string };
  message?: string;
  charts?: boolean;
}

export function page(options: PageOptions): string {
  const { lang } = options;
  const other = lang === 'pl' ? 'en' : 'pl';
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)} · ${t(lang, 'title')}</title><style>${STYLE}</style>
${options.charts ? '<script src="/portal/assets/chart.umd.min.js"></script>' : ''}</head>
<body><header><strong>${t(lang, 'title')}</strong>
${options.signedIn ? `<a href="/portal/home">${t(lang, 'months')}</a>` : ''}
<span class="spacer"></span>
<a href="?lang=${other}" hreflang="${other}">${t(lang, 'language')}</a>
${options.signedIn ? `<span>${escapeHtml(options.signedIn.label)} (${escapeHtml(options.signedIn.role)})</span>
<form method="post" action="/portal/sign-out"><button type="submit">${t(lang, 'signOut')}</button></form>` : ''}
</header><main>
${options.message ? `<p class="msg" role="status">${escapeHtml(options.message)}</p>` : ''}
<h1>${escapeHtml(options.title)}</h1>
${options.body}
</main></body></html>`;
}

export function table(lang: Lang, headers: (TextKey | string)[], rows: string[][], numeric: boolean[] = []): string {
  const head = headers.map((h, i) => `<th scope="col"${numeric[i] ? ' class="num"' : ''}>${escapeHtml(isKey(h) ? t(lang, h) : h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric[i] ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`).join('');
  return `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function isKey(value: string): value is TextKey {
  try {
    t('pl', value as TextKey);
    return true;
  } catch {
    return false;
  }
}

const LOCAL = new Intl.DateTimeFormat('pl-PL', { timeZone: 'Europe/Warsaw', dateStyle: 'short', timeStyle: 'short' });

/** An instant as Warsaw local date and time. */
export function local(iso: string): string {
  return LOCAL.format(new Date(iso));
}
