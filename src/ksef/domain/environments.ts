// The public KSeF API 2.0 environments and the addresses the QR codes link to
// (CIRFMF/ksef-docs/srodowiska.md and CIRFMF/ksef-docs/kody-qr.md).
export const KSEF_ENVIRONMENTS = ['test', 'demo', 'prod'] as const;
export type KsefEnvironment = (typeof KSEF_ENVIRONMENTS)[number];

export const KSEF_API_URL: Record<KsefEnvironment, string> = {
  test: 'https://api-test.ksef.mf.gov.pl/v2',
  demo: 'https://api-demo.ksef.mf.gov.pl/v2',
  prod: 'https://api.ksef.mf.gov.pl/v2',
};

export const KSEF_QR_URL: Record<KsefEnvironment, string> = {
  test: 'https://qr-test.ksef.mf.gov.pl',
  demo: 'https://qr-demo.ksef.mf.gov.pl',
  prod: 'https://qr.ksef.mf.gov.pl',
};

/** The form code of FA(3) as the session opening names it. */
export const FA3_FORM_CODE = { systemCode: 'FA (3)', schemaVersion: '1-0E', value: 'FA' } as const;

/**
 * KOD I: the link that lets anyone check an online invoice in KSeF: the environment's QR
 * address, /invoice, the seller's NIP, the issue date (P_1) as DD-MM-RRRR and the SHA-256
 * of the invoice file in Base64URL.
 */
export function invoiceVerificationUrl(environment: KsefEnvironment, sellerNip: string, issueDate: string, sha256Base64: string): string {
  const [y, m, d] = issueDate.split('-');
  const base64Url = sha256Base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${KSEF_QR_URL[environment]}/invoice/${sellerNip}/${String(d)}-${String(m)}-${String(y)}/${base64Url}`;
}

/** A KSeF number: NIP-RRRRMMDD-12 hex-2 hex CRC-8 (polynomial 0x07, init 0x00) of the first 32 characters. */
export function crc8(text: string): string {
  let crc = 0;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc.toString(16).toUpperCase().padStart(2, '0');
}

export function isValidKsefNumber(value: string): boolean {
  if (!/^\d{10}-\d{8}-[0-9A-F]{12}-[0-9A-F]{2}$/.test(value)) return false;
  return crc8(value.slice(0, 32)) === value.slice(33);
}
