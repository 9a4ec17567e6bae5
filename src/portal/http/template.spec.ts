// The portal's template escapes every interpolation; raw() is the one way around it. The
// formats are the locale's, from integers.
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ALL_TEXT_KEYS, Format, t } from '../domain/i18n.js';
import { html, jsonBlock, raw } from './template.js';

test('every interpolated value is escaped, arrays too; SafeHtml from html or raw is kept', () => {
  const name = '<img src=x onerror=alert(1)>"\'&`';
  expect(html`<p title="${name}">${name}</p>`.toString()).toBe('<p title="&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;&#96;">&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;&#96;</p>');
  expect(html`<ul>${['<a>', html`<li>${'<b>'}</li>`]}</ul>`.toString()).toBe('<ul>&lt;a&gt;<li>&lt;b&gt;</li></ul>');
  expect(html`${null}${undefined}${false}${0}`.toString()).toBe('0');
  expect(html`${raw('<br>')}`.toString()).toBe('<br>');
  fc.assert(
    fc.property(fc.string(), (s) => {
      const out = html`<td>${s}</td>`.toString();
      return !/[<>"'`]/.test(out.slice(4, -5));
    }),
  );
});

test('a JSON block cannot be ended by its data', () => {
  const block = jsonBlock('x', { name: '</script><script>alert(1)</script>' }).toString();
  expect(block.match(/<\/script>/g)).toHaveLength(1);
  expect(JSON.parse(block.replace(/^<script[^>]*>/, '').replace(/<\/script>$/, ''))).toEqual({ name: '</script><script>alert(1)</script>' });
});

test('raw() is called only in the template and the layout (the exceptions are few and visible)', () => {
  // every file of the portal (domain/, queries/, http/), named from http/ where the pages are
  const portal = join(process.cwd(), 'src', 'portal');
  const dir = join(portal, 'http');
  const files = readdirSync(portal, { recursive: true, encoding: 'utf8' })
    .map((f) => join(portal, f))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
  const callers = files.filter((f) => /\braw\(/.test(readFileSync(f, 'utf8'))).map((f) => relative(dir, f));
  expect(callers.sort()).toEqual(['template.ts', 'views/layout.ts']);
});

test('every text has a Polish and an English version', () => {
  for (const key of ALL_TEXT_KEYS) {
    expect(t('pl', key).trim()).not.toBe('');
    expect(t('en', key).trim()).not.toBe('');
  }
  expect(() => t('pl', 'noSuchKey' as never)).toThrow(/missing/);
});

test("money, energy and shares in the locale's format, from integers, signs written", () => {
  const pl = new Format('pl');
  const en = new Format('en');
  expect(pl.zl(123456)).toBe('1\u00a0234,56 zł');
  expect(pl.zl(12345678)).toBe('123 456,78 zł'.replace(' ', '\u00a0'));
  expect(en.zl(12345678)).toBe('123,456.78 zł');
  expect(pl.signedZl(183)).toBe('+1,83 zł');
  expect(pl.signedZl(-40)).toBe('−0,40 zł');
  expect(en.signedZl(183)).toBe('+1.83 zł');
  expect(pl.kwh(1500)).toBe('1,500 kWh');
  expect(en.kwh(1234567)).toBe('1,234.567 kWh');
  expect(pl.percentBp(4567)).toBe('45,67 %');
  expect(pl.month('2026-05')).toBe('maj 2026');
  expect(en.month('2026-05')).toBe('May 2026');
  fc.assert(
    fc.property(fc.integer({ min: -1e12, max: 1e12 }), (grosze) => {
      const text = en
        .zl(grosze)
        .replace(/[,\s zł]/g, '')
        .replace('−', '-');
      return BigInt(text.replace('.', '')) === BigInt(grosze);
    }),
  );
});
