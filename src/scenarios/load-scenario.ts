// Loads a scenario through the public HTTP API, idempotently: what exists (by name or
// code) is reused, readings already recorded come back as unchanged.
import type { Scenario } from './seed-clusters.js';
import { generateReadings } from './readings-generator.js';

export type Api = (method: 'GET' | 'POST', path: string, token: string, body?: unknown) => Promise<{ status: number; body: unknown }>;

export interface LoadedScenario {
  clusterId: string;
  coordinatorToken: string;
  memberIds: Record<string, string>;
  readings: { new: number; unchanged: number; corrected: number };
}

/** The parts of the API's answers a scenario load reads. */
interface ListBody<T> {
  items: T[];
}
interface ClusterCreated {
  clusterId: string;
}
interface TokenIssued {
  token: string;
}
interface MemberCreated {
  memberId: string;
}
interface ReadingsReport {
  new: number;
  unchanged: number;
  corrected: number;
}
interface DocumentsIssued {
  documents: unknown[];
}

/** A successful answer's body, as the shape the caller names (the API's own response DTOs). */
async function ok<T>(api: Api, method: 'GET' | 'POST', path: string, token: string, body?: unknown): Promise<T> {
  const res = await api(method, path, token, body);
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${String(res.status)}: ${JSON.stringify(res.body)}`);
  return res.body as T;
}

export async function loadScenario(api: Api, adminToken: string, scenario: Scenario, month: string, seed = 2026): Promise<LoadedScenario> {
  const clusters = await ok<ListBody<{ name: string; clusterId: string }>>(api, 'GET', '/clusters', adminToken);
  let clusterId = clusters.items.find((c) => c.name === scenario.cluster.name)?.clusterId;
  if (!clusterId) clusterId = (await ok<ClusterCreated>(api, 'POST', '/clusters', adminToken, scenario.cluster)).clusterId;
  const coordinatorToken = (await ok<TokenIssued>(api, 'POST', '/tokens', adminToken, { role: 'coordinator', clusterId, label: `${scenario.key} coordinator (demo)` })).token;
  const c = `/clusters/${clusterId}`;

  const existing = (await ok<ListBody<{ memberId: string; legalName: string }>>(api, 'GET', `${c}/members`, coordinatorToken)).items;
  const memberIds: Record<string, string> = {};
  for (const m of scenario.members) {
    const found = existing.find((e) => e.legalName === m.legalName);
    memberIds[m.key] =
      found?.memberId ??
      (
        await ok<MemberCreated>(api, 'POST', `${c}/members`, coordinatorToken, {
          kind: m.kind,
          legalName: m.legalName,
          ...(m.nip ? { nip: m.nip } : {}),
          address: m.address,
          invoiceEmail: `${m.key}@example.pl`,
          vatPayer: m.vatPayer,
          selfBillingConsent: m.selfBillingConsent ?? false,
          admittedOn: '2026-01-01',
        })
      ).memberId;
  }
  const points = new Set((await ok<ListBody<{ ppeCode: string }>>(api, 'GET', `${c}/metering-points`, coordinatorToken)).items.map((p) => p.ppeCode));
  for (const p of scenario.points) {
    if (points.has(p.ppeCode)) continue;
    await ok<unknown>(api, 'POST', `${c}/metering-points`, coordinatorToken, {
      ppeCode: p.ppeCode,
      memberId: memberIds[p.memberKey],
      role: p.role,
      carrier: 'electricity',
      ...(p.source ? { source: p.source } : {}),
      ...(p.capacityKw !== undefined ? { capacityKw: p.capacityKw } : {}),
      validFrom: '2026-01-01',
    });
  }
  const versions = (await ok<ListBody<unknown>>(api, 'GET', `${c}/agreement-versions`, coordinatorToken)).items;
  if (versions.length === 0) {
    const a = scenario.agreement;
    const allocation =
      a.allocation.method === 'static'
        ? { method: 'static', redistribute: a.allocation.redistribute, keys: a.allocation.keys.map((k) => ({ memberId: memberIds[k.memberKey], shareBp: k.shareBp })) }
        : a.allocation.method === 'priority'
          ? { method: 'priority', tiers: a.allocation.tiers.map((t) => t.map((k) => memberIds[k])) }
          : { method: 'pro_rata' };
    await ok<unknown>(api, 'POST', `${c}/agreement-versions`, coordinatorToken, { ...a, allocation, effectiveFrom: '2026-01' });
  }
  const contracts = (await ok<ListBody<unknown>>(api, 'GET', `${c}/contracts`, coordinatorToken)).items;
  if (contracts.length === 0) {
    for (const k of scenario.contracts) {
      await ok<unknown>(api, 'POST', `${c}/contracts`, coordinatorToken, {
        sellerMemberId: memberIds[k.sellerKey],
        buyerMemberId: memberIds[k.buyerKey],
        whPerInterval: k.whPerInterval,
        priceGroszePerMwh: k.priceGroszePerMwh,
        validFrom: '2026-01-01',
        validTo: '2026-12-31',
      });
    }
  }
  const generated = generateReadings({ seed, month, intervalMinutes: scenario.agreement.intervalMinutes, points: scenario.points });
  const readings = { new: 0, unchanged: 0, corrected: 0 };
  for (const point of generated.points) {
    const body = {
      source: `scenario:${scenario.key}`,
      readings: generated.intervalStarts.map((t, i) => ({
        ppeCode: point.ppeCode,
        intervalStart: t.toISOString(),
        intervalMinutes: scenario.agreement.intervalMinutes,
        importWh: point.importWh[i],
        exportWh: point.exportWh[i],
        quality: 'measured',
      })),
    };
    const report = await ok<ReadingsReport>(api, 'POST', `${c}/readings`, coordinatorToken, body);
    readings.new += report.new;
    readings.unchanged += report.unchanged;
    readings.corrected += report.corrected;
  }
  return { clusterId, coordinatorToken, memberIds, readings };
}

/** Closes a month that has ended (gaps allowed: a demo's generated data has none, a real one may) and issues its documents; both repeatable. */
export async function closeAndIssue(api: Api, coordinatorToken: string, clusterId: string, month: string): Promise<number> {
  const c = `/clusters/${clusterId}/settlements/${month}`;
  const closed = await api('POST', `${c}/close`, coordinatorToken, { allowGaps: true, reason: 'demo: generated readings' });
  if (closed.status >= 300 && closed.status !== 409) throw new Error(`POST ${c}/close answered ${String(closed.status)}: ${JSON.stringify(closed.body)}`);
  const issued = await ok<DocumentsIssued>(api, 'POST', `${c}/invoices`, coordinatorToken, {});
  return issued.documents.length;
}

export async function issueToken(api: Api, token: string, body: { role: string; clusterId: string; memberId?: string; label: string }): Promise<string> {
  return (await ok<TokenIssued>(api, 'POST', '/tokens', token, body)).token;
}
