// Integer amounts as the schema's decimals, by string arithmetic (no floats near values).

/** Digits of a non-negative integer with `scale` decimals, trailing zeros kept. */
function fixed(value: number, scale: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`not a whole number: ${String(value)}`);
  const sign = value < 0 ? '-' : '';
  const digits = String(Math.abs(value)).padStart(scale + 1, '0');
  return `${sign}${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
}

/** 12345 grosze → "123.45" (TKwotowy). */
export const grosze = (amount: number): string => fixed(amount, 2);

/** 12345 Wh → "12.345" kWh (TIlosci). */
export const kwh = (wh: number): string => fixed(wh, 3);

/** grosze per MWh → zł per kWh, exactly: 1 gr/MWh = 0.00001 zł/kWh (TKwotowy2). */
export const unitPricePerKwh = (groszePerMwh: number): string => fixed(groszePerMwh, 5);

/** The first and last calendar day of a month YYYY-MM. */
export function monthPeriod(month: string): { from: string; to: string } {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}
