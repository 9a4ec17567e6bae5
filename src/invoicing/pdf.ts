// An invoice as PDF (pdfkit) with DejaVu Sans embedded, so Polish letters render the same
// everywhere. The creation date is the issue date: the same document gives the same bytes.
import PDFDocument from 'pdfkit';
import { join } from 'node:path';
import { projectRoot } from '../database/paths.js';
import { applyRateBp } from '../common/largest-remainder.js';
import { drawKsefMark, type KsefPdfMark } from '../ksef/pdf-mark.js';
import type { InvoiceDocument, InvoiceLine } from './documents.js';

const TITLES: Record<InvoiceDocument['kind'], string> = {
  invoice: 'Faktura VAT',
  self_billing: 'Faktura VAT (samofakturowanie)',
  settlement_statement: 'Informacja o rozliczeniu energii',
  correction: 'Faktura korygująca',
};

/** 123456 → "1 234,56 zł" (non-breaking space between thousands). */
export function formatZloty(grosze: number): string {
  const sign = grosze < 0 ? '-' : '';
  const abs = Math.abs(grosze);
  const zl = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return `${sign}${zl},${String(abs % 100).padStart(2, '0')} zł`;
}

/** Wh → kWh with three decimals, by string arithmetic. */
export function formatKwh(wh: number): string {
  return `${Math.floor(wh / 1000)},${String(wh % 1000).padStart(3, '0')}`;
}

/** grosze per MWh → zł per kWh (exactly: 1 gr/MWh = 0.00001 zł/kWh). */
export function formatUnitPrice(groszePerMwh: number): string {
  const text = String(groszePerMwh).padStart(6, '0');
  return `${text.slice(0, -5)},${text.slice(-5)} zł/kWh`;
}

export function renderInvoicePdf(document: InvoiceDocument, ksef: KsefPdfMark | null = null): Promise<Buffer> {
  const fonts = join(projectRoot(), 'assets', 'fonts');
  const pdf = new PDFDocument({ size: 'A4', margin: 40, info: { Title: `${TITLES[document.kind]} ${document.number}`, CreationDate: new Date(`${document.issueDate}T12:00:00Z`) } });
  pdf.registerFont('regular', join(fonts, 'DejaVuSans.ttf'));
  pdf.registerFont('bold', join(fonts, 'DejaVuSans-Bold.ttf'));
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => pdf.on('end', () => resolve(Buffer.concat(chunks))));

  pdf.font('bold').fontSize(16).text(`${TITLES[document.kind]} nr ${document.number}`);
  pdf.font('regular').fontSize(9).moveDown(0.3)
    .text(`Data wystawienia: ${document.issueDate}    Data sprzedaży: ${document.saleDate}    Okres rozliczeniowy: ${document.month}`);
  if (document.kind === 'self_billing') pdf.text('Samofakturowanie (art. 106d ustawy o VAT)');
  if (document.kind === 'correction') {
    pdf.text(`Dotyczy faktury nr ${document.correctedInvoiceNumber} z dnia ${document.correctedIssueDate}`);
    pdf.text(`Przyczyna korekty: ${document.reason}`);
  }
  pdf.moveDown();
  const top = pdf.y;
  const party = (label: string, p: InvoiceDocument['seller'], x: number) => {
    pdf.font('bold').text(label, x, top, { width: 250 });
    pdf.font('regular').text(p.name, x, undefined, { width: 250 }).text(p.address, { width: 250 }).text(p.nip ? `NIP: ${p.nip}` : 'osoba fizyczna (bez NIP)', { width: 250 });
  };
  party('Sprzedawca', document.seller, 40);
  const afterSeller = pdf.y;
  party('Nabywca', document.buyer, 310);
  pdf.y = Math.max(afterSeller, pdf.y) + 15;

  const columns = [{ t: 'Lp.', w: 22 }, { t: 'Nazwa', w: 170 }, { t: 'Ilość [kWh]', w: 62 }, { t: 'Cena netto', w: 70 }, { t: 'Wartość netto', w: 66 }, { t: 'VAT', w: 32 }, { t: 'Kwota VAT', w: 48 }, { t: 'Brutto', w: 45 }];
  const table = (lines: InvoiceLine[], title?: string) => {
    if (title) pdf.font('bold').text(title, 40).moveDown(0.2);
    let y = pdf.y;
    let x = 40;
    pdf.font('bold').fontSize(8);
    for (const c of columns) { pdf.text(c.t, x, y, { width: c.w }); x += c.w + 2; }
    y += 14;
    pdf.font('regular');
    lines.forEach((l, i) => {
      const vat = applyRateBp(l.netGrosze, document.vatRateBp); // per-line VAT, shown only; totals use the sum
      const cells = [String(i + 1), l.description, l.quantityWh === null ? '' : formatKwh(l.quantityWh), l.unitPriceGroszePerMwh === null ? '' : formatUnitPrice(l.unitPriceGroszePerMwh),
        formatZloty(l.netGrosze), `${document.vatRateBp / 100}%`, formatZloty(vat), formatZloty(l.netGrosze + vat)];
      x = 40;
      const height = pdf.heightOfString(l.description, { width: columns[1].w });
      cells.forEach((cell, k) => { pdf.text(cell, x, y, { width: columns[k].w }); x += columns[k].w + 2; });
      y += Math.max(12, height + 3);
    });
    pdf.y = y + 6;
    pdf.x = 40;
    pdf.fontSize(9);
  };
  if (document.kind === 'correction') {
    table(document.linesBefore ?? [], 'Przed korektą');
    pdf.text(`Razem przed korektą: netto ${formatZloty(document.totalNetBeforeGrosze ?? 0)}, VAT ${formatZloty(document.totalVatBeforeGrosze ?? 0)}, brutto ${formatZloty(document.totalGrossBeforeGrosze ?? 0)}`, 40).moveDown();
    table(document.lines, 'Po korekcie');
  } else {
    table(document.lines);
  }
  pdf.font('bold').text(`Razem według stawki ${document.vatRateBp / 100}%: netto ${formatZloty(document.totalNetGrosze)}, VAT ${formatZloty(document.totalVatGrosze)}, brutto ${formatZloty(document.totalGrossGrosze)}`, 40);
  pdf.moveDown(0.5);
  if (document.kind === 'correction') {
    const difference = document.totalGrossGrosze - (document.totalGrossBeforeGrosze ?? 0);
    pdf.fontSize(11).text(`Różnica do ${difference >= 0 ? 'zapłaty' : 'zwrotu'}: ${formatZloty(Math.abs(difference))}`);
  } else {
    pdf.fontSize(11).text(`${document.kind === 'invoice' ? 'Do zapłaty' : 'Należność dla członka klastra'}: ${formatZloty(document.totalGrossGrosze)}`);
  }
  if (ksef) drawKsefMark(pdf.moveDown(), ksef);
  pdf.font('regular').fontSize(8).moveDown().text(`Dokument wygenerowany przez Klaster Ledger, klaster ${document.clusterId}, identyfikator ${document.invoiceId}.`);
  pdf.end();
  return done;
}
