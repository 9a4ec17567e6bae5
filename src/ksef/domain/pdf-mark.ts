// What the PDF of an accepted document carries (in the PDF's KSeF box): its KSeF number and
// the QR code "KOD I", the verification link built as CIRFMF/ksef-docs/kody-qr.md describes.
import QRCode from 'qrcode';
import { invoiceVerificationUrl } from './environments.js';
import type { KsefState } from './outbox.js';

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
