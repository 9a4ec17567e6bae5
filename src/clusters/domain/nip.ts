// NIP (Polish tax id): 10 digits, the last a checksum of the first nine with the
// official weights; a remainder of 10 is never issued. The first three digits are a tax
// office's code: never starting with 0 nor ending in 00, which is also what FA(3)'s
// TNrNIP pattern requires ([1-9]((\d[1-9])|([1-9]\d))\d{7}), so a member admitted with a
// NIP can always be invoiced.
const WEIGHTS = [6, 5, 7, 2, 3, 4, 5, 6, 7];

export function normaliseNip(raw: string): string {
  return raw.replace(/^PL/i, '').replace(/[\s-]/g, '');
}

export function nipCheckDigit(firstNine: string): number {
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(firstNine[i]), 0);
  return sum % 11;
}

export function isValidNip(raw: string): boolean {
  const nip = normaliseNip(raw);
  if (!/^[1-9]\d{9}$/.test(nip) || nip.slice(1, 3) === '00') return false;
  const check = nipCheckDigit(nip.slice(0, 9));
  return check !== 10 && check === Number(nip[9]);
}
