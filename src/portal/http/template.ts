// The portal's one way to write HTML: the tagged template `html` escapes every
// interpolated value unless it is already SafeHtml (made by `html` itself). The one
// exception, text that is HTML on purpose, goes through `raw(...)`: greppable, and used
// only here and in views/layout.ts (the stylesheet).

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(value: string | number | boolean | null | undefined): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

/** HTML that is safe to put in a page as it is. Only `html` and `raw` make one. */
export class SafeHtml {
  private constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
  /** @internal the constructor's only callers */
  static of(value: string): SafeHtml {
    return new SafeHtml(value);
  }
}

export type Html = SafeHtml | string | number | null | undefined | false | readonly Html[];

function render(value: Html): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (typeof value === 'string' || typeof value === 'number') return escapeHtml(value);
  return value.map(render).join('');
}

/** A template whose every `${value}` is escaped (arrays joined, null/undefined/false as nothing). */
export function html(strings: TemplateStringsArray, ...values: Html[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return SafeHtml.of(out);
}

/** THE exception: text trusted to be HTML. Never pass it anything a person or the data wrote. */
export function raw(trustedHtml: string): SafeHtml {
  return SafeHtml.of(trustedHtml);
}

/** Data for a page's script, as a JSON block (not executed, so the CSP allows it); `<` escaped so no text ends the block. */
export function jsonBlock(id: string, value: unknown): SafeHtml {
  return html`<script type="application/json" id="${id}">${raw(JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026'))}</script>`;
}
