// ISO 8601 instants of metering files, on the calendar or refused: no 2026-02-30 rolling
// over into March, no 24:00, no offset beyond ±14:00, no local time without an offset.
// Pure.

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|([+-])(\d{2}):?(\d{2}))?$/;

export const INSTANT_ACCEPTED = 'an ISO 8601 instant with an offset, like 2026-05-01T00:15:00+02:00 or 2026-04-30T22:15:00Z (hours 00 to 23, offsets up to ±14:00)';

/** Milliseconds since the epoch, or why the text is not an instant on the calendar. */
export function parseInstant(text: string): number | string {
  const m = INSTANT.exec(text);
  if (!m) return `"${text}" is not ${INSTANT_ACCEPTED}`;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
  if (m[8] === undefined) return `"${text}" has no offset: a local time is ambiguous on the DST days; add Z or an offset such as +01:00 or +02:00`;
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return `"${text}": ${m[1]}-${m[2]}-${m[3]} is not a day of the calendar`;
  if (hour > 23) return `"${text}": the hour must be 00 to 23 (midnight ending a day is 00:00 of the next)`;
  if (minute > 59 || second > 59) return `"${text}" is not a time of day`;
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const hours = Number(m[10]);
    const minutes = Number(m[11]);
    if (minutes > 59 || hours * 60 + minutes > 14 * 60) return `"${text}": the offset must be between -14:00 and +14:00`;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  const millis = Number((m[7] ?? '').padEnd(3, '0') || '0');
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}
