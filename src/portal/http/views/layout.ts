// The page frame every view goes out in: header (cluster, months, language, who is signed
// in with the role in the page's language, sign-out), one h1, the message, the body.
import { type Lang, t, type TextKey } from '../../domain/i18n.js';
import { html, raw, type Html, type SafeHtml } from '../template.js';

const STYLE = `
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1a1a1a;background:#f6f7f9;line-height:1.45}
.skip{position:absolute;left:-999px}.skip:focus{left:.5rem;top:.5rem;background:#fff;color:#14532d;padding:.4rem .6rem;z-index:2}
header{background:#14532d;color:#fff;padding:.6rem 1rem;display:flex;gap:.4rem 1rem;align-items:center;flex-wrap:wrap}
header a{color:#fff}header .brand{font-weight:700;text-decoration:none;color:#fff}header .spacer{flex:1}
header nav ul{list-style:none;display:flex;gap:1rem;margin:0;padding:0}
header form{margin:0}header button{background:transparent;border:1px solid #fff;color:#fff}
main{max-width:1100px;margin:0 auto;padding:1rem}
section{background:#fff;border:1px solid #d0d5dd;border-radius:6px;padding:1rem;margin:0 0 1rem;min-width:0}
h1{font-size:1.45rem;margin:.2rem 0 .8rem}h2{font-size:1.12rem;margin:0 0 .6rem}h3{font-size:1rem;margin:.8rem 0 .4rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e4e7ec;vertical-align:top}
th{font-weight:600;background:#f9fafb}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}td.num{white-space:nowrap}
tr.sum td{font-weight:700;border-top:2px solid #98a2b3}
.scroll{overflow-x:auto}
label{display:block;margin:.4rem 0 .2rem;font-weight:600}label.check{font-weight:400;display:flex;gap:.4rem;align-items:center}
input,select,button{font:inherit;padding:.45rem .6rem;border:1px solid #667085;border-radius:4px;max-width:100%}
button{background:#14532d;color:#fff;border-color:#14532d;cursor:pointer}
a{color:#0b4a8b}
button:focus-visible,a:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.msg{padding:.6rem .8rem;border-radius:4px;background:#fef3c7;border:1px solid #b45309;margin:0 0 1rem}
.note{padding:.6rem .8rem;border-radius:4px;background:#eff6ff;border:1px solid #1d4ed8;margin:0 0 1rem}
.warn{padding:.6rem .8rem;border-radius:4px;background:#fff7ed;border:1px solid #c2410c;margin:0 0 1rem}
.muted{color:#475467}.small{font-size:.9rem}
.ok{color:#166534;font-weight:600}.bad{color:#b42318;font-weight:600}
.pos{color:#b42318}.neg{color:#166534}
.badge{display:inline-block;padding:.05rem .45rem;border-radius:999px;font-size:.85rem;border:1px solid currentColor}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:1rem}
.inline{display:flex;gap:.5rem 1rem;flex-wrap:wrap;align-items:end}
.big{font-size:1.5rem;font-weight:700}
dl.facts{display:grid;grid-template-columns:minmax(8rem,14rem) 1fr;gap:.3rem 1rem;margin:0}dl.facts dt{font-weight:600}dl.facts dd{margin:0;overflow-wrap:anywhere}
code{overflow-wrap:anywhere}
.chart{position:relative;height:320px}
details{margin-top:.6rem}summary{cursor:pointer;color:#0b4a8b}
ul.docs{margin:0;padding-left:1.1rem}
@media (max-width:600px){main{padding:.5rem}th,td{padding:.3rem}.chart{height:260px}header{padding:.5rem}}
`;

export interface SignedIn {
  /** The person's or company's name; none for a role without one (auditor). */
  label?: string;
  role: 'coordinator' | 'member' | 'auditor' | 'admin' | 'meter-data';
  clusterName?: string;
}

export interface LayoutOptions {
  lang: Lang;
  title: string;
  body: SafeHtml;
  /** The page's own address (path and query), for the language switch to keep. */
  here: string;
  signedIn?: SignedIn;
  message?: string;
  /** Chart.js and the page's own scripts (files in assets/portal/). */
  scripts?: string[];
}

export function roleName(lang: Lang, role: SignedIn['role']): string {
  return role === 'meter-data' ? role : t(lang, `role_${role}` as TextKey);
}

/** The same address in the other language. */
function switched(here: string, lang: Lang): string {
  const url = new URL(here, 'http://portal.invalid');
  url.searchParams.set('lang', lang);
  return `${url.pathname}${url.search}`;
}

export function layout(o: LayoutOptions): string {
  const other: Lang = o.lang === 'pl' ? 'en' : 'pl';
  const scripts: Html = (o.scripts ?? []).map((s) => html`<script src="${s}" defer></script>`);
  return html`<!doctype html>
<html lang="${o.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · ${t(o.lang, 'title')}</title><style>${raw(STYLE)}</style>${scripts}</head>
<body><a class="skip" href="#main">${t(o.lang, 'skip')}</a>
<header><a class="brand" href="${o.signedIn ? '/portal/home' : '/portal'}">${o.signedIn?.clusterName ?? t(o.lang, 'title')}</a>
${o.signedIn ? html`<nav aria-label="${t(o.lang, 'nav')}"><ul><li><a href="/portal/home">${t(o.lang, 'months')}</a></li>${o.signedIn.role === 'auditor' || o.signedIn.role === 'coordinator' ? html`<li><a href="/portal/audit">${t(o.lang, 'audit')}</a></li>` : ''}</ul></nav>` : ''}
<span class="spacer"></span>
<a href="${switched(o.here, other)}" hreflang="${other}" lang="${other}">${t(o.lang, 'language')}</a>
${
  o.signedIn
    ? html`<span>${o.signedIn.label ? html`${o.signedIn.label} · ` : ''}${roleName(o.lang, o.signedIn.role)}</span>
<form method="post" action="/portal/sign-out"><button type="submit">${t(o.lang, 'signOut')}</button></form>`
    : ''
}
</header><main id="main">
${o.message ? html`<p class="msg" role="status">${o.message}</p>` : ''}
<h1>${o.title}</h1>
${o.body}
</main></body></html>`.toString();
}
