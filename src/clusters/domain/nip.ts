// NIP, the Polish tax id: 10 digits, the last one a checksum of the first nine.
const WEIGHTS = [6, 5, 7, 2, 3, 4, 5, 6, 7];

/** Drops the dashes and spaces people write NIPs with ('526-104-08-28'). */
export function normaliseNip(raw: string): string {
  return raw.replace(/[\s-]/g, '');
}

/** Σ weight × digit mod 11 of the first nine digits; 10 means no valid NIP has that prefix. */
export function nipCheckDigit(firstNine: string): number {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += WEIGHTS[i] * Number(firstNine[i]);
  return sum % 11;
}

export function isValidNip(raw: unknown): boolean {
  if (typeof raw !== 'string') return false;
  const nip = normaliseNip(raw);
  if (!/^\d{10}$/.test(nip)) return false;
  const check = nipCheckDigit(nip);
  return check !== 10 && check === Number(nip[9]);
}
