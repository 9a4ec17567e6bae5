// The per-PPE per-hour rows as the CSV a DSO reads (CRLF lines, a header first).
import type { PpeHourRow } from '../domain/hourly-ledger.js';

export const PPE_HOURS_CSV_HEADER = 'ppe_code,member_id,hour_start,local_start,renewable,fed_in_wh,taken_wh,renewable_matched_wh';

export function ppeHoursCsv(rows: PpeHourRow[]): string {
  const lines = [
    PPE_HOURS_CSV_HEADER,
    ...rows.map((r) => `${r.ppeCode},${r.memberId},${r.hourStart},${r.localStart},${String(r.renewable)},${String(r.fedInWh)},${String(r.takenWh)},${String(r.renewableMatchedWh)}`),
  ];
  return lines.join('\r\n') + '\r\n';
}
