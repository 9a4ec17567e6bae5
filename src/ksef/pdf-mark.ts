// What the PDF of an accepted document carries: its KSeF number and the QR code "KOD I"
// (the verification link built as kody-qr.md describes), with the number under the code.
import QRCode from 'qrcode';
import type PDFDocument from 'pdfkit';
import { invoiceVerificationUrl } from './domain/environments.js';
import type { KsefState } from './domain/outbox.js';

export interface KsefPdfMark {
  ksefNumber: string;
  url: string;
  png: Buffer;
}

/** The mark of an accepted document (null before KSeF accepted it). */
export async function ksefMarkOf(state: KsefState, invoiceId: string, sellerNip: string | null, issueDate: string): Promise<KsefPdfMark | null> {
  const d = state.documents[invoiceId];
  if (!d || d.status !== 'accepted' || !d.ksefNumber || !d.contentHash || !d.environment || !sellerNip) return null;
  // the hash of the file KSeF holds: the XML exactly as it was sent
  const url = invoiceVerificationUrl(d.environment, sellerNip, issueDate, d.contentHash);
  const png = await QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 1, scale: 4 });
  return { ksefNumber: d.ksefNumber, url, png };
}

/** Draws the mark at the current position: the code, the KSeF number under it, the link beside. */
export function drawKsefMark(pdf: InstanceType<typeof PDFDocument>, mark: KsefPdfMark) {
  const size = 90;
  if (pdf.y + size + 30 > pdf.page.height - pdf.page.margins.bottom) pdf.addPage();
  const x = 40;
  const y = pdf.y + 6;
  pdf.image(mark.png, x, y, { width: size, height: size });
  pdf.font('regular').fontSize(6.5).text(mark.ksefNumber, x - 20, y + size + 2, { width: size + 40, align: 'center', lineBreak: false });
  pdf.font('bold').fontSize(9).text(`Numer KSeF: ${mark.ksefNumber}`, x + size + 14, y + 10, { width: 400 });
  pdf.font('regular').fontSize(8).text('Faktura przyjęta w Krajowym Systemie e-Faktur. Zeskanuj kod, aby ją sprawdzić:', x + size + 14, undefined, { width: 400 })
    .text(mark.url, { width: 400, link: mark.url });
  pdf.x = 40;
  pdf.y = y + size + 16;
}
