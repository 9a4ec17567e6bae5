// A document as the PDF an accountant reads (pdfkit), DejaVu Sans embedded so Polish letters
// render the same everywhere. The creation date is the issue date: the same document gives
// the same bytes. The first page keeps a framed box at the top right (KSEF_BOX) for the
// KSeF number and its QR code; until the document has them the box says so.
import PDFDocument from 'pdfkit';
import { join } from 'node:path';
import { projectRoot } from '../../database/paths.js';
import { applyRateBp } from '../../shared/largest-remainder.js';
import { printIban } from '../../clusters/domain/iban.js';
import { type InvoiceDocument, type InvoiceLine, lineRateBp, originalKind, rateTotals, settlementOf } from '../domain/documents.js';
import { documentTitle, formatDatePl, formatKwh, formatMonthPl, formatUnitPrice, formatZloty } from '../domain/print.js';
import { percentText } from '../domain/fa3/render.js';
import type { KsefPrintMark } from '../domain/ksef-state.js';

/** Where the KSeF number and QR code go on the first page (points, A4, origin top left). */
export const KSEF_BOX = { x: 395, y: 36, width: 160, height: 118 } as const;

const LEFT = 40;
const RIGHT = 555;
const WIDTH = RIGHT - LEFT;

/** The rate as printed: "23%"; a statement of a seller outside VAT says why there is no VAT. */
function rateLabel(document: InvoiceDocument, rateBp: number): string {
  if (originalKind(document) === 'settlement_statement' && document.sellerVat !== 'payer') return document.sellerVat === 'exempt' ? 'zw.' : 'np.';
  return `${percentText(rateBp, ',')}%`;
}

const VAT_NOTE: Record<NonNullable<InvoiceDocument['sellerVat']>, string> = {
  not_taxpayer: 'Sprzedawca nie jest podatnikiem VAT (osoba fizyczna nieprowadząca działalności gospodarczej): dokument nie jest fakturą VAT, kwoty bez podatku VAT.',
  exempt: 'Sprzedawca korzysta ze zwolnienia z VAT (art. 113 ust. 1 ustawy o VAT): dokument nie jest fakturą VAT, kwoty bez podatku VAT.',
  payer: 'Sprzedawca jest czynnym podatnikiem VAT: dokument jest podstawą do wystawienia przez niego faktury na kwoty poniżej.',
};

/** Once KSeF accepted the document: its number, and the verification QR code as a PNG. */
export type PdfOptions = KsefPrintMark;

// the table: Lp., name, quantity, unit, unit price, net, rate, VAT, gross; widths fit 515 pt
const COLUMNS = [
  { title: 'Lp.', width: 20, align: 'left' },
  { title: 'Nazwa', width: 150, align: 'left' },
  { title: 'Ilość', width: 52, align: 'right' },
  { title: 'J.m.', width: 26, align: 'left' },
  { title: 'Cena jedn. netto', width: 62, align: 'right' },
  { title: 'Wartość netto', width: 58, align: 'right' },
  { title: 'St. VAT', width: 32, align: 'right' },
  { title: 'Kwota VAT', width: 54, align: 'right' },
  { title: 'Wartość brutto', width: 61, align: 'right' },
] as const;

export function renderInvoicePdf(document: InvoiceDocument, options: PdfOptions = {}): Promise<Buffer> {
  const fonts = join(projectRoot(), 'assets', 'fonts');
  const pdf = new PDFDocument({ size: 'A4', margin: LEFT, info: { Title: `${documentTitle(document)} ${document.number}`, CreationDate: new Date(`${document.issueDate}T12:00:00Z`) } });
  pdf.registerFont('regular', join(fonts, 'DejaVuSans.ttf'));
  pdf.registerFont('bold', join(fonts, 'DejaVuSans-Bold.ttf'));
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) =>
    pdf.on('end', () => {
      resolve(Buffer.concat(chunks));
    }),
  );
  const kind = originalKind(document);
  const statement = kind === 'settlement_statement';
  const noVat = statement && document.sellerVat !== 'payer';
  const textWidth = KSEF_BOX.x - LEFT - 12;

  // header: title and dates at the left, the KSeF box at the right
  pdf.font('bold').fontSize(15).text(documentTitle(document), LEFT, 40, { width: textWidth });
  pdf.fontSize(11).text(`nr ${document.number}`, { width: textWidth });
  pdf.font('regular').fontSize(8.5).moveDown(0.4);
  const facts: [string, string][] = [
    ['Data wystawienia', formatDatePl(document.issueDate)],
    ['Data dostawy (koniec okresu)', formatDatePl(document.saleDate)],
    ['Okres rozliczeniowy', formatMonthPl(document.month)],
  ];
  if (document.dueDate) facts.push(['Termin płatności', formatDatePl(document.dueDate)]);
  for (const [label, value] of facts) pdf.text(`${label}: `, LEFT, undefined, { continued: true, width: textWidth }).font('bold').text(value).font('regular');
  if (kind === 'self_billing')
    pdf
      .font('bold')
      .text('Samofakturowanie', { width: textWidth })
      .font('regular')
      .text('Faktura wystawiona przez nabywcę w imieniu i na rzecz sprzedawcy (art. 106d ust. 1 ustawy o VAT).', { width: textWidth });
  if (document.kind === 'correction') {
    pdf.moveDown(0.3).text(`Korygowany dokument: nr ${String(document.correctedInvoiceNumber)} z dnia ${formatDatePl(document.correctedIssueDate ?? document.issueDate)}`, { width: textWidth });
    if (document.beforeDocumentNumber && document.beforeDocumentNumber !== document.correctedInvoiceNumber)
      pdf.text(`Stan przed korektą według dokumentu nr ${document.beforeDocumentNumber}`, { width: textWidth });
    pdf.text(`Przyczyna korekty: ${document.reason ?? ''}`, { width: textWidth });
  }
  const afterHeader = pdf.y;

  // the KSeF box: framed, the number and QR code once KSeF has given them
  pdf.save().lineWidth(0.6).strokeColor('#888888').rect(KSEF_BOX.x, KSEF_BOX.y, KSEF_BOX.width, KSEF_BOX.height).stroke().restore();
  pdf
    .font('bold')
    .fontSize(7.5)
    .text('KSeF', KSEF_BOX.x + 6, KSEF_BOX.y + 5, { width: KSEF_BOX.width - 12 });
  if (statement) {
    pdf
      .font('regular')
      .fontSize(7)
      .text('Dokument nie jest fakturą: nie jest przesyłany do KSeF.', KSEF_BOX.x + 6, KSEF_BOX.y + 18, { width: KSEF_BOX.width - 12 });
  } else if (options.ksefNumber) {
    pdf
      .font('regular')
      .fontSize(7)
      .text(`Numer KSeF: ${options.ksefNumber}`, KSEF_BOX.x + 6, KSEF_BOX.y + 18, { width: KSEF_BOX.width - 12 });
    if (options.qrCodePng) pdf.image(options.qrCodePng, KSEF_BOX.x + (KSEF_BOX.width - 80) / 2, KSEF_BOX.y + 34, { width: 80, height: 80 });
  } else {
    pdf
      .font('regular')
      .fontSize(7)
      .fillColor('#555555')
      .text('Numer KSeF i kod QR pojawią się tu po przyjęciu faktury przez Krajowy System e-Faktur.', KSEF_BOX.x + 6, KSEF_BOX.y + 18, { width: KSEF_BOX.width - 12 })
      .fillColor('black');
  }

  // the parties
  let y = Math.max(afterHeader, KSEF_BOX.y + KSEF_BOX.height) + 14;
  const party = (label: string, p: InvoiceDocument['seller'], x: number, note?: string) => {
    pdf.font('bold').fontSize(9).text(label, x, y, { width: 245 });
    pdf
      .font('regular')
      .fontSize(8.5)
      .text(p.name, x, undefined, { width: 245 })
      .text(p.address, { width: 245 })
      .text(p.nip ? `NIP: ${p.nip}` : 'Bez NIP (osoba fizyczna)', { width: 245 });
    if (p.jstUnit) pdf.text(`Odbiorca (jednostka podrzędna JST): ${p.jstUnit.name}, NIP: ${p.jstUnit.nip}`, { width: 245 });
    if (note) pdf.fontSize(7.5).text(note, { width: 245 });
    return pdf.y;
  };
  const sellerNote = noVat ? (document.sellerVat === 'exempt' ? 'zwolniony z VAT (art. 113 ustawy o VAT)' : 'niebędący podatnikiem VAT') : undefined;
  const sellerEnd = party(statement ? 'Sprzedawca (członek klastra)' : 'Sprzedawca', document.seller, LEFT, sellerNote);
  const buyerEnd = party('Nabywca', document.buyer, LEFT + 270);
  y = Math.max(sellerEnd, buyerEnd) + 12;
  if (statement) {
    pdf
      .font('regular')
      .fontSize(8)
      .text(VAT_NOTE[document.sellerVat ?? 'not_taxpayer'], LEFT, y, { width: WIDTH });
    y = pdf.y + 8;
  }

  const ensureRoom = (height: number) => {
    if (y + height > 800) {
      pdf.addPage();
      y = 40;
    }
  };
  const table = (lines: InvoiceLine[], heading?: string) => {
    ensureRoom(40);
    if (heading) {
      pdf.font('bold').fontSize(9).text(heading, LEFT, y);
      y = pdf.y + 3;
    }
    pdf.font('bold').fontSize(7);
    let x = LEFT;
    const headHeight = Math.max(...COLUMNS.map((c) => pdf.heightOfString(c.title, { width: c.width - 4 })));
    pdf
      .save()
      .rect(LEFT, y - 2, WIDTH, headHeight + 4)
      .fill('#eeeeee')
      .restore();
    for (const c of COLUMNS) {
      pdf.fillColor('black').text(c.title, x + 2, y, { width: c.width - 4, align: c.align });
      x += c.width;
    }
    y += headHeight + 5;
    pdf.font('regular').fontSize(7.5);
    if (lines.length === 0) {
      pdf.text('(brak pozycji)', LEFT + 22, y);
      y += 12;
    }
    lines.forEach((l, i) => {
      const rate = lineRateBp(l, document.vatRateBp);
      const vat = noVat ? null : applyRateBp(l.netGrosze, rate); // per line, shown only: the totals take VAT on the sum per rate
      const quantityWh = l.quantityWh;
      const unitPrice = l.unitPriceGroszePerMwh;
      const energy = quantityWh !== null && unitPrice !== null;
      const cells = [
        `${String(i + 1)}.`,
        l.description,
        energy ? formatKwh(quantityWh) : '1',
        energy ? 'kWh' : 'usł.',
        energy ? formatUnitPrice(unitPrice).replace(' zł/kWh', ' zł') : formatZloty(l.netGrosze),
        formatZloty(l.netGrosze),
        rateLabel(document, rate),
        vat === null ? '–' : formatZloty(vat),
        formatZloty(l.netGrosze + (vat ?? 0)),
      ];
      const row = COLUMNS.map((column, k) => ({ column, cell: cells[k] ?? '' }));
      const height = Math.max(...row.map(({ column, cell }) => pdf.heightOfString(cell, { width: column.width - 4 })));
      ensureRoom(height + 4);
      x = LEFT;
      row.forEach(({ column, cell }) => {
        pdf.text(cell, x + 2, y, { width: column.width - 4, align: column.align });
        x += column.width;
      });
      y += height + 3;
      pdf
        .save()
        .lineWidth(0.3)
        .strokeColor('#cccccc')
        .moveTo(LEFT, y - 1)
        .lineTo(RIGHT, y - 1)
        .stroke()
        .restore();
    });
    y += 6;
  };
  // per rate: net, VAT, gross (of a correction: before, after and the difference, art. 106j)
  const summary = (rows: { label: string; net: number; vat: number | null }[], heading: string) => {
    ensureRoom(16 + rows.length * 12);
    const at = LEFT + 205;
    pdf
      .font('bold')
      .fontSize(8)
      .text(heading, at, y, { width: RIGHT - at });
    y = pdf.y + 2;
    const cols = [
      { t: '', w: 100 },
      { t: 'Netto', w: 70 },
      { t: 'VAT', w: 70 },
      { t: 'Brutto', w: 70 },
    ];
    let x = at;
    pdf.font('bold').fontSize(7.5);
    for (const c of cols) {
      pdf.text(c.t, x, y, { width: c.w - 2, align: c.t ? 'right' : 'left' });
      x += c.w;
    }
    y += 11;
    for (const r of rows) {
      x = at;
      pdf.font(r.label.startsWith('Razem') || r.label.startsWith('Różnica') ? 'bold' : 'regular');
      const cells = [r.label, formatZloty(r.net), r.vat === null ? '–' : formatZloty(r.vat), formatZloty(r.net + (r.vat ?? 0))];
      cols.forEach((c, k) => {
        pdf.text(cells[k] ?? '', x, y, { width: c.w - 2, align: k === 0 ? 'left' : 'right' });
        x += c.w;
      });
      y += 11;
    }
    y += 6;
  };
  const perRate = (lines: InvoiceLine[]) => rateTotals(lines, document.vatRateBp);
  const rateRows = (lines: InvoiceLine[], prefix = 'stawka') => {
    const totals = perRate(lines);
    const rows = totals.map((t) => ({ label: noVat ? 'bez VAT' : `${prefix} ${rateLabel(document, t.rateBp)}`, net: t.netGrosze, vat: noVat ? null : t.vatGrosze }));
    const net = totals.reduce((a, t) => a + t.netGrosze, 0);
    const vat = totals.reduce((a, t) => a + t.vatGrosze, 0);
    return [...rows, { label: 'Razem', net, vat: noVat ? null : vat }];
  };

  if (document.kind === 'correction') {
    table(document.linesBefore ?? [], 'Przed korektą');
    summary(rateRows(document.linesBefore ?? []), 'Podsumowanie przed korektą');
    table(document.lines, 'Po korekcie');
    summary(rateRows(document.lines), 'Podsumowanie po korekcie');
    const before = perRate(document.linesBefore ?? []);
    const after = perRate(document.lines);
    const rates = [...new Set([...before, ...after].map((t) => t.rateBp))].sort((a, b) => b - a);
    const diff = rates.map((rateBp) => {
      const a = after.find((t) => t.rateBp === rateBp) ?? { netGrosze: 0, vatGrosze: 0 };
      const b = before.find((t) => t.rateBp === rateBp) ?? { netGrosze: 0, vatGrosze: 0 };
      return { label: noVat ? 'Różnica' : `Różnica ${rateLabel(document, rateBp)}`, net: a.netGrosze - b.netGrosze, vat: noVat ? null : a.vatGrosze - b.vatGrosze };
    });
    summary(diff, 'Kwoty korekty według stawek (art. 106j ust. 2 pkt 5)');
  } else {
    table(document.lines);
    summary(rateRows(document.lines), 'Podsumowanie według stawek');
  }

  // who pays whom, how much, by when and where
  ensureRoom(70);
  const s = settlementOf(document);
  const who = (side: 'member' | 'coordinator') => (side === 'member' ? 'członek klastra' : 'koordynator');
  let line: string;
  if (document.kind === 'invoice') line = `Do zapłaty: ${formatZloty(s.amountGrosze)}`;
  else if (document.kind === 'correction') line = `${s.direction === 'do_zaplaty' ? 'Do zapłaty' : 'Do zwrotu'}: ${formatZloty(s.amountGrosze)} (płaci ${who(s.payer)}, otrzymuje ${who(s.payee)})`;
  else line = `Do zapłaty przez koordynatora na rzecz członka klastra: ${formatZloty(s.amountGrosze)}`;
  pdf.font('bold').fontSize(11).text(line, LEFT, y, { width: WIDTH });
  pdf.font('regular').fontSize(8.5);
  if (s.amountGrosze > 0 && document.dueDate) {
    const coordinatorAccount = document.coordinatorBankAccount ?? (kind === 'invoice' ? document.sellerBankAccount : null);
    const account =
      s.payee === 'coordinator' && coordinatorAccount
        ? `na rachunek ${printIban(coordinatorAccount)}`
        : s.payee === 'coordinator'
          ? 'na rachunek koordynatora'
          : 'na rachunek wskazany przez członka klastra';
    pdf.text(`Forma płatności: przelew ${account}, w terminie do ${formatDatePl(document.dueDate)}.`, { width: WIDTH });
  }
  pdf
    .moveDown(1.2)
    .fontSize(7)
    .fillColor('#555555')
    .text(
      `Dokument wygenerowany przez Klaster Ledger z rozliczenia klastra energii (${document.clusterId}) za ${formatMonthPl(document.month)}; identyfikator dokumentu ${document.invoiceId}.`,
      LEFT,
      undefined,
      { width: WIDTH },
    )
    .fillColor('black');
  pdf.end();
  return done;
}
