// How a document is printed: its title (a statement is never called an invoice) and its
// amounts, quantities, prices and dates as written in Poland, by string arithmetic. Pure;
// http/pdf.ts lays them out.
import type { InvoiceDocument } from './documents.js';

/** The document's title as printed (a statement is never called an invoice). */
export function documentTitle(document: InvoiceDocument): string {
  switch (document.kind) {
    case 'invoice':
      return 'Faktura VAT';
    case 'self_billing':
      return 'Faktura VAT – samofakturowanie';
    case 'settlement_statement':
      return 'Informacja o rozliczeniu energii';
    case 'correction':
      if (document.correctedKind === 'self_billing') return 'Faktura korygująca – samofakturowanie';
      if (document.correctedKind === 'settlement_statement') return 'Korekta informacji o rozliczeniu energii';
      return 'Faktura korygująca';
  }
}

/** 123456 → "1 234,56 zł" (non-breaking space between thousands). */
export function formatZloty(grosze: number): string {
  const sign = grosze < 0 ? '-' : '';
  const abs = Math.abs(grosze);
  const zl = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return `${sign}${zl},${String(abs % 100).padStart(2, '0')} zł`;
}

/** Wh → kWh with three decimals, by string arithmetic. */
export function formatKwh(wh: number): string {
  return `${Math.floor(wh / 1000)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0')},${String(wh % 1000).padStart(3, '0')}`;
}

/** grosze per MWh → zł per kWh (exactly: 1 gr/MWh = 0.00001 zł/kWh). */
export function formatUnitPrice(groszePerMwh: number): string {
  const text = String(groszePerMwh).padStart(6, '0');
  return `${text.slice(0, -5)},${text.slice(-5)} zł/kWh`;
}

const MONTHS = ['styczeń', 'luty', 'marzec', 'kwiecień', 'maj', 'czerwiec', 'lipiec', 'sierpień', 'wrzesień', 'październik', 'listopad', 'grudzień'];

/** 2026-06-02 → "02.06.2026", as dates are written in Poland. */
export function formatDatePl(date: string): string {
  const [y, m, d] = date.split('-');
  return `${String(d)}.${String(m)}.${String(y)}`;
}

/** 2026-05 → "maj 2026". */
export function formatMonthPl(month: string): string {
  const [y, m] = month.split('-');
  return `${String(MONTHS[Number(m) - 1])} ${String(y)}`;
}
