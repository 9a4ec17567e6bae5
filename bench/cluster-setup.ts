// A synthetic cluster of N PPE for benchmarks: members of every kind, a realistic share
// of PV prosumers, built with the registry decider and appended in bulk.
import { DateTime } from 'luxon';
import type pg from 'pg';
import { type ClusterCommand, type ClusterEvent, clusterDecider, clusterStreamId } from '../src/clusters/domain/registry.js';
import type { EventStore } from '../src/event-store/event-store.port.js';
import { nipCheckDigit } from '../src/clusters/domain/nip.js';

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
    if (check !== 10) return prefix + check;
  }
}

export async function setUpCluster(store: EventStore, clusterId: string, ppeCount: number, month: string): Promise<{ points: SyntheticPoint[]; lastPosition: string }> {
  const commands: ClusterCommand[] = [
    { type: 'RegisterCluster', clusterId, name: `Benchmark cluster ${ppeCount}`, coordinator: { legalName: 'Koordynator', nip: '5261040828' }, distributionSystemOperator: 'Tauron', area: { powiat: 'bench' } },
  ];
  const points: SyntheticPoint[] = [];
  const kinds = ['municipality', 'municipal_company', 'company', 'cooperative', 'household', 'household', 'household', 'household'] as const;
  let memberNo = 0;
  for (let p = 0; p < ppeCount; ) {
    const kind = kinds[memberNo % kinds.length] ?? 'household';
    const memberId = `m${String(memberNo).padStart(6, '0')}`;
    commands.push({ type: 'AdmitMember', memberId, kind, legalName: `${kind} ${memberNo}`, ...(kind === 'household' ? {} : { nip: nip(memberNo * 7919) }), address: 'bench', invoiceEmail: `m${memberNo}@example.pl`, vatPayer: kind !== 'household', admittedOn: '2026-01-01' });
    const ppeOfMember = kind === 'household' ? 1 : kind === 'municipality' ? 6 : 3;
    for (let k = 0; k < ppeOfMember && p < ppeCount; k++, p++) {
      const ppeCode = `PLBENCH${String(p).padStart(8, '0')}`;
      const producer = kind === 'municipality' && k === 0;
      const pv = producer || (kind === 'household' && memberNo % 3 === 0) || (kind === 'company' && k === 0);
      points.push({ ppeCode, memberId, pv, producer });
      commands.push({ type: 'RegisterMeteringPoint', ppeCode, memberId, role: producer ? 'producer' : pv ? 'prosumer' : 'consumer', carrier: 'electricity', ...(pv ? { source: 'pv' as const, capacityKw: producer ? 500 : 8 } : {}), validFrom: '2026-01-01' });
    }
    memberNo++;
  }
  commands.push({
    type: 'AmendAgreement', closedMonths: [],
    terms: { effectiveFrom: month, intervalMinutes: 15, ownNetting: true, allocation: { method: 'pro_rata' }, internalPriceGroszePerMwh: 45_000, referenceGridPriceGroszePerMwh: 90_000, feeGroszePerMwhReceived: 1_000, feeGroszePerMwhSupplied: 500, monthlyFeeGroszePerMember: 2_000, vatRateBp: 2300, invoiceSeries: 'FV' },
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
    const result = await store.append(clusterStreamId(clusterId), events.slice(i, i + 1000).map((e) => ({ type: e.type, data: e.data as unknown as Record<string, unknown> })), i === 0 ? 'no_stream' : i - 1);
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

export function monthIntervals(month: string): Date[] {
  const start = DateTime.fromISO(`${month}-01`, { zone: 'Europe/Warsaw' });
  const end = start.plus({ months: 1 });
  const result: Date[] = [];
  for (let t = start.toMillis(); t < end.toMillis(); t += 900_000) result.push(new Date(t));
  return result;
}

/** Writes a month of synthetic 15-minute values straight into the interval read model (benchmarks start from there). */
export async function fillMeterDays(pool: pg.Pool, clusterId: string, points: SyntheticPoint[], month: string, days: number): Promise<void> {
  const intervals = monthIntervals(month).slice(0, days * 96);
  const dayCount = Math.ceil(intervals.length / 96);
  for (let p0 = 0; p0 < points.length; p0 += 200) {
    const rows: unknown[][] = [[], [], [], [], [], []];
    for (let p = p0; p < Math.min(p0 + 200, points.length); p++) {
      for (let d = 0; d < dayCount; d++) {
        const imp: number[] = [];
        const exp: number[] = [];
        for (let i = d * 96; i < Math.min((d + 1) * 96, intervals.length); i++) {
          const r = syntheticReading(points[p]!, p, i, 96);
          imp.push(r.importWh);
          exp.push(r.exportWh);
        }
        rows[0]!.push(points[p]!.ppeCode);
        rows[1]!.push(intervals[d * 96]!.toISOString().slice(0, 10));
        rows[2]!.push(intervals[d * 96]);
        rows[3]!.push(`{${imp.join(',')}}`);
        rows[4]!.push(`{${exp.join(',')}}`);
        rows[5]!.push('m'.repeat(imp.length));
      }
    }
    await pool.query(
      `INSERT INTO meter_days (cluster_id, ppe_code, day, day_start, interval_minutes, import_wh, export_wh, quality, present)
       SELECT $7, p, d::date + 1, ds, 15, i::bigint[], e::bigint[], q, length(q) FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[]) AS t(p, d, ds, i, e, q)`,
      [...rows, clusterId],
    );
  }
}
