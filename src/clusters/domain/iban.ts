// The coordinator's bank account: an IBAN checked by its country's length and the ISO 7064
// mod 97-10 checksum (ibantools). Stored in the electronic format (no spaces, upper case).
import { electronicFormatIBAN, isValidIBAN } from 'ibantools';
import type { FieldError } from '../../shared/domain-error.js';

export function normaliseIban(raw: string): string {
  return electronicFormatIBAN(raw) ?? raw.replace(/\s+/g, '').toUpperCase();
}

export function checkIban(errors: FieldError[], field: string, raw: string): void {
  if (!isValidIBAN(normaliseIban(raw))) errors.push({ field, reason: 'is not a valid IBAN (country code, check digits and account number, e.g. PL61 1090 1014 0000 0712 1981 2874)' });
}

/** "PL61109010140000071219812874" → "PL61 1090 1014 0000 0712 1981 2874", as printed. */
export function printIban(iban: string): string {
  return iban.replace(/(.{4})/g, '$1 ').trim();
}
