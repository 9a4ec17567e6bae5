// What a document shows of KSeF (the national e-invoice system): its state, and once KSeF
// accepted it, its number and QR code on the PDF. Invoicing declares these shapes and asks
// for them through its own queries (queries/ksef-state.query.ts); the KSeF module, which
// sends invoicing's documents, answers them. So invoicing imports nothing of KSeF. Pure types.

/** A document's KSeF state as shown with it. */
export type DocumentKsefState =
  | { status: 'not_sent'; reason: string }
  | { status: 'queued'; waiting: string | null; lastError: string | null; nextAttemptAt: string | null }
  | { status: 'sent'; sentAt: string | null }
  | { status: 'accepted'; ksefNumber: string; acceptedAt: string; upo: boolean }
  | { status: 'refused'; code: number; reason: string; details: string[] };

/** What the PDF's KSeF box shows: nothing until KSeF accepted the document, then its number and the verification QR code (PNG). */
export interface KsefPrintMark {
  ksefNumber?: string;
  qrCodePng?: Buffer;
}
