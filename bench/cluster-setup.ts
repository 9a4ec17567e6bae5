// A synthetic cluster of N PPE for benchmarks: members of every kind, a realistic share
// of PV prosumers, built with the registry decider and appended in bulk.
import { DateTime } from 'luxon';
import type pg from 'pg';
import { type ClusterCommand, type ClusterEvent, clusterDecider, clusterStreamId } from '../src/clusters/domain/registry.js';
import type { EventStore } from '../src/event-store/event-store.port.js';
import { nipCheckDigit } from '../src/clusters/domain/nip.js';
import { packWh } from '../src/metering/domain/packed-wh.js';

export interface SyntheticPoint {
  ppeCode: string;
  memberId: string;
  pv: boolean;
  producer: boolean;
}

function nip(seed: number): string {
  for (let k = seed; ; k++) {
    const prefix = String(100_000_000 + (k % 899_999_999)).padStart(9, '0');
    const check = nipCheckDigit(prefix);
    // a tax office code (the first three digits) never ends in 00; FA(3) refuses such a NIP
    if (check !== 10 && prefix.slice(1, 3) !== '00') return prefix + String(check);
  }
}

/** The cluster, its members and PPE (admitted and valid from `from`), and an agreement effective from `month`. */
export async function setUpCluster(store: EventStore, clusterId: string, ppeCount: number, month: string, from = '2026-01-01'): Promise<{ points: SyntheticPoint[]; lastPosition: string }> {
  const commands: ClusterCommand[] = [
    {
      type: 'RegisterCluster',
      clusterId,
      name: `Benchmark cluster ${String(ppeCount)}`,
      coordinator: { legalName: 'Koordynator', nip: '5261040828' },
      distributionSystemOperator: 'Tauron',
      area: { powiat: 'bench' },
    },
  ];
  const points: SyntheticPoint[] = [];
  const kinds = ['municipality', 'municipal_company', 'company', 'cooperative', 'household', 'household', 'household', 'household'] as const;
  let memberNo = 0;
  for (let p = 0; p < ppeCount;) {
    const kind = kinds[memberNo % kinds.length] ?? 'household';
    const memberId = `m${String(memberNo).padStart(6, '0')}`;
    commands.push({
      type: 'AdmitMember',
      memberId,
      kind,
      legalName: `${kind} ${String(memberNo)}`,
      ...(kind === 'household' ? {} : { nip: nip(memberNo * 7919) }),
      address: 'bench',
      invoiceEmail: `m${String(memberNo)}@example.pl`,
      vatPayer: kind !== 'household',
      admittedOn: from,
    });
    const ppeOfMember = kind === 'household' ? 1 : kind === 'municipality' ? 6 : 3;
    for (let k = 0; k < ppeOfMember && p < ppeCount; k++, p++) {
      const ppeCode = `PLBENCH${String(p).padStart(8, '0')}`;
      const producer = kind === 'municipality' && k === 0;
      const pv = producer || (kind === 'household' && memberNo % 3 === 0) || (kind === 'company' && k === 0);
      points.push({ ppeCode, memberId, pv, producer });
      commands.push({
        type: 'RegisterMeteringPoint',
        ppeCode,
        memberId,
        role: producer ? 'producer' : pv ? 'prosumer' : 'consumer',
        carrier: 'electricity',
        ...(pv ? { source: 'pv' as const, capacityKw: producer ? 500 : 8 } : {}),
        validFrom: from,
      });
    }
    memberNo++;
  }
  commands.push({
    type: 'AmendAgreement',
    closedMonths: [],
    terms: {
      effectiveFrom: month,
      intervalMinutes: 15,
      ownNetting: true,
      allocation: { method: 'pro_rata' },
      internalPriceGroszePerMwh: 45_000,
      referenceGridPriceGroszePerMwh: 90_000,
      feeGroszePerMwhReceived: 1_000,
      feeGroszePerMwhSupplied: 500,
      monthlyFeeGroszePerMember: 2_000,
      vatRateBp: 2300,
      invoiceSeries: 'FV',
    },
  });
  let state = clusterDecider.initialState();
  const events: ClusterEvent[] = [];
  for (const command of commands) {
    for (const event of clusterDecider.decide(command, state)) {
      state = clusterDecider.evolve(state, event);
      events.push(event);
    }
  }
  let lastPosition = '';
  for (let i = 0; i < events.length; i += 1000) {
    const result = await store.append(
      clusterStreamId(clusterId),
      events.slice(i, i + 1000).map((e) => ({ type: e.type, data: e.data as unknown as Record<string, unknown> })),
      i === 0 ? 'no_stream' : i - 1,
    );
    lastPosition = result.lastGlobalPosition;
  }
  return { points, lastPosition };
}

/** Deterministic synthetic Wh for one PPE and interval of the day (no randomness: repeatable runs). */
export function syntheticReading(point: SyntheticPoint, p: number, i: number, intervalsPerDay: number): { importWh: number; exportWh: number } {
  const q = i % intervalsPerDay;
  const daylight = q >= intervalsPerDay * 0.3 && q < intervalsPerDay * 0.75 ? Math.round(1000 * Math.sin(((q - intervalsPerDay * 0.3) / (intervalsPerDay * 0.45)) * Math.PI)) : 0;
  const load = 80 + ((p * 37 + q * 11) % 120);
  if (point.producer) return { importWh: 0, exportWh: daylight * 60 };
  const production = point.pv ? daylight : 0;
  return { importWh: Math.max(0, load - production), exportWh: Math.max(0, production - load) };
}

export function monthIntervals(month: string, minutes = 15): Date[] {
  const start = DateTime.fromISO(`${month}-01`, { zone: 'Europe/Warsaw' });
  const end = start.plus({ months: 1 });
  const result: Date[] = [];
  for (let t = start.toMillis(); t < end.toMillis(); t += minutes * 60_000) result.push(new Date(t));
  return result;
}

/** The Warsaw days of the months from `first` (YYYY-MM), `count` months: each day's first instant and its 15-minute intervals. */
export function warsawDays(first: string, count: number): { date: string; intervals: Date[] }[] {
  const days: { date: string; intervals: Date[] }[] = [];
  const end = DateTime.fromISO(`${first}-01`, { zone: 'Europe/Warsaw' }).plus({ months: count });
  for (let day = DateTime.fromISO(`${first}-01`, { zone: 'Europe/Warsaw' }); day < end; day = day.plus({ days: 1 })) {
    const next = day.plus({ days: 1 }).toMillis();
    const intervals: Date[] = [];
    for (let t = day.toMillis(); t < next; t += 900_000) intervals.push(new Date(t));
    days.push({ date: day.toFormat('yyyy-MM-dd'), intervals });
  }
  return days;
}

/** Writes a month of synthetic 15-minute values straight into the interval read model (benchmarks start from there). */
export async function fillMeterDays(pool: pg.Pool, clusterId: string, points: SyntheticPoint[], month: string, days: number): Promise<void> {
  const intervals = monthIntervals(month).slice(0, days * 96);
  const dayCount = Math.ceil(intervals.length / 96);
  for (let p0 = 0; p0 < points.length; p0 += 200) {
    const ppeCodes: string[] = [];
    const dates: string[] = [];
    const dayStarts: Date[] = [];
    const imports: string[] = [];
    const exports: string[] = [];
    const qualities: string[] = [];
    for (const [p, point] of points.slice(p0, p0 + 200).map((point, k) => [p0 + k, point] as const)) {
      for (let d = 0; d < dayCount; d++) {
        const dayStart = intervals[d * 96];
        if (dayStart === undefined) throw new Error(`no interval starts day ${String(d)}`);
        const imp: number[] = [];
        const exp: number[] = [];
        for (let i = d * 96; i < Math.min((d + 1) * 96, intervals.length); i++) {
          const r = syntheticReading(point, p, i, 96);
          imp.push(r.importWh);
          exp.push(r.exportWh);
        }
        ppeCodes.push(point.ppeCode);
        dates.push(dayStart.toISOString().slice(0, 10));
        dayStarts.push(dayStart);
        imports.push(packWh(imp).toString('hex'));
        exports.push(packWh(exp).toString('hex'));
        qualities.push('m'.repeat(imp.length));
      }
    }
    await pool.query(
      `INSERT INTO meter_days (cluster_id, ppe_code, day, day_start, interval_minutes, import_wh, export_wh, quality, present)
       SELECT $7, p, d::date + 1, ds, 15, decode(i, 'hex'), decode(e, 'hex'), q, length(q) FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[]) AS t(p, d, ds, i, e, q)`,
      [ppeCodes, dates, dayStarts, imports, exports, qualities, clusterId],
    );
  }
}
