// The audit sees every stream of a cluster (registry, meter days, trading, settlement,
// invoicing), and a digest over the stream heads, kept as an anchor, names every stream
// whose history a superuser rewrote afterwards with recomputed hashes, while the chains
// on their own still verify. New events since the anchor are growth, not tampering.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventHash } from '../../src/event-store/domain/hash-chain.js';
import { canonicalJson } from '../../src/shared/canonical-json.js';
import { clusterOfStream } from '../../src/event-store/stream-names.js';
import { AGREEMENT, clusterWithCoordinator, tokenFor } from '../support/fixtures.js';
import { ADMIN_TOKEN, startTestService, type TestService } from '../support/service.js';
import { anyString, defined, matching } from '../support/expect.js';

/** One line of GET /audit/events (and of audit-export's file). */
interface ExportLine {
  globalPosition: string;
  streamId: string;
  streamPosition: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: unknown;
  previousHash: string;
  hash: string;
}
interface EventRow {
  global_position: string;
  stream_id: string;
  stream_position: number;
  type: string;
  schema_version: number;
  data: Record<string, unknown>;
  metadata: unknown;
  previous_hash: string;
  hash: string;
}
interface VerifyResult {
  intact: boolean;
  streams: number;
  headsDigest: string;
  through: string | null;
}
/** The comparison with an anchor, as POST /audit/verify and `audit-verify --against` print it. */
interface AgainstResult {
  against: unknown;
}

let t: TestService;
let clusterId: string;
let otherCluster: string;
let coordinator: { Authorization: string };
let auditor: { Authorization: string };
const dir = mkdtempSync(join(tmpdir(), 'anchor-'));

const quarter = (day: number, i: number) => new Date(Date.parse('2026-05-01T00:00:00+02:00') + day * 86_400_000 + i * 900_000).toISOString();
const readingsOf = (day: number, wh: number) =>
  Array.from({ length: 96 }, (_, i) => [
    { ppeCode: 'PLPLANT0001', intervalStart: quarter(day, i), intervalMinutes: 15, importWh: 0, exportWh: wh },
    { ppeCode: 'PLSCHOOL001', intervalStart: quarter(day, i), intervalMinutes: 15, importWh: 800, exportWh: 0 },
  ]).flat();
const ndjson = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ExportLine);

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env: { ...process.env, DATABASE_URL: t.db.url, LOG_LEVEL: 'silent', ADMIN_TOKEN }, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  t = await startTestService();
  ({ clusterId, coordinator } = await clusterWithCoordinator(t));
  otherCluster = (await clusterWithCoordinator(t)).clusterId;
  auditor = await tokenFor(t, 'auditor', clusterId);
  const admit = async (legalName: string, kind = 'company', nip = '7770001111') =>
    (
      (
        await t.http
          .post(`/clusters/${clusterId}/members`)
          .set(coordinator)
          .send({ kind, legalName, nip, address: 'x', invoiceEmail: 'x@example.pl', vatPayer: true, admittedOn: '2026-01-01' })
          .expect(201)
      ).body as { memberId: string }
    ).memberId;
  const plant = await admit('Elektrownia');
  const school = await admit('Szkoła', 'municipality', '6351831037');
  await t.http
    .post(`/clusters/${clusterId}/metering-points`)
    .set(coordinator)
    .send({ ppeCode: 'PLPLANT0001', memberId: plant, role: 'producer', carrier: 'electricity', source: 'pv', capacityKw: 100, validFrom: '2026-01-01' })
    .expect(201);
  await t.http
    .post(`/clusters/${clusterId}/metering-points`)
    .set(coordinator)
    .send({ ppeCode: 'PLSCHOOL001', memberId: school, role: 'consumer', carrier: 'electricity', validFrom: '2026-01-01' })
    .expect(201);
  await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(coordinator)
    .send({ ...AGREEMENT, effectiveFrom: '2026-05', intervalMinutes: 15 })
    .expect(201);
  for (const whPerInterval of [300, 200]) {
    await t.http
      .post(`/clusters/${clusterId}/contracts`)
      .set(coordinator)
      .send({ sellerMemberId: plant, buyerMemberId: school, whPerInterval, priceGroszePerMwh: 30_000, validFrom: '2026-05-01', validTo: '2030-12-31' })
      .expect(201);
  }
  await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({ source: 'osd', readings: readingsOf(3, 1000) })
    .expect(200);
  await t.http.post(`/clusters/${clusterId}/settlements/2026-05/close`).set(coordinator).send({ allowGaps: true, reason: 'one day only' }).expect(201);
  await t.http.post(`/clusters/${clusterId}/settlements/2026-05/invoices`).set(coordinator).expect(200);
});
afterAll(() => t.stop());

test("an auditor's export and verify cover every stream of its cluster, the trading stream too, and no other cluster's", async () => {
  const all = ndjson((await t.http.get('/audit/events').set(t.admin).expect(200)).text);
  // every stream in the log names its cluster by the rule
  for (const line of all) expect([line.streamId, clusterOfStream(line.streamId)]).toEqual([line.streamId, anyString]);
  const mine = all.filter((l) => clusterOfStream(l.streamId) === clusterId);
  const exported = ndjson((await t.http.get('/audit/events').set(auditor).expect(200)).text);
  expect(exported.map((l) => l.globalPosition)).toEqual(mine.map((l) => l.globalPosition));
  const kinds = new Set(exported.map((l) => l.streamId.slice(0, l.streamId.indexOf(clusterId) - 1)));
  expect([...kinds].sort()).toEqual(['cluster', 'invoicing', 'meter', 'settlement', 'trading']);
  expect(exported.some((l) => l.streamId === `trading-${clusterId}`)).toBe(true);
  expect(exported.some((l) => l.streamId.includes(otherCluster))).toBe(false);
  const verify = await t.http.get('/audit/verify').set(auditor).expect(200);
  expect(verify.body).toMatchObject({ intact: true, streams: new Set(mine.map((l) => l.streamId)).size, events: mine.length, headsDigest: matching(/^[0-9a-f]{64}$/) });
});

test('a tail rewritten with recomputed hashes verifies on its own, and the kept heads name the stream; growth is not tampering', async () => {
  // the anchor, three ways: the heads file, an export, the verify result with its digest
  const verified = (await t.http.get('/audit/verify').set(auditor).expect(200)).body as VerifyResult;
  const headsRes = await t.http
    .get('/audit/heads')
    .set(auditor)
    .buffer(true)
    .parse((res, cb) => {
      let s = '';
      res.on('data', (c: Buffer) => {
        s += String(c);
      });
      res.on('end', () => {
        cb(null, s);
      });
    })
    .expect(200);
  const headsText = headsRes.body as string;
  expect(createHash('sha256').update(headsText).digest('hex')).toBe(verified.headsDigest);
  expect(headsRes.headers['x-heads-digest']).toBe(verified.headsDigest);
  expect(
    headsText
      .split('\n')
      .filter(Boolean)
      .every((l) => l.split('\t').length === 3),
  ).toBe(true);
  const exportText = (await t.http.get('/audit/events').set(auditor).expect(200)).text;
  writeFileSync(join(dir, 'heads.tsv'), headsText);
  writeFileSync(join(dir, 'export.ndjson'), exportText);
  writeFileSync(join(dir, 'verify.json'), JSON.stringify(verified, null, 2));

  // growth: a new day (new streams) and a correction of a recorded day (a stream grows)
  await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({ source: 'osd', readings: readingsOf(4, 900) })
    .expect(200);
  await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({ source: 'osd', readings: readingsOf(3, 1100) })
    .expect(200);
  const grown = await t.http.post('/audit/verify').set(auditor).set('content-type', 'text/tab-separated-values').send(headsText).expect(200);
  // two new day streams; the plant's day 3 grew by its correction (the school's values were the same)
  expect(grown.body).toMatchObject({ intact: true, against: { format: 'heads', historyIntact: true, changed: [], added: 2, grown: 1 } });
  const byDigest = await t.http.post('/audit/verify').set(auditor).send({ headsDigest: verified.headsDigest, through: verified.through }).expect(200);
  expect((byDigest.body as AgainstResult).against).toMatchObject({ format: 'digest', historyIntact: true, digestAtThrough: verified.headsDigest });

  // the superuser rewrites the registry's last event and recomputes its hash, and drops
  // the trading stream's last event: each chain is intact on its own
  const pool = t.service.database.pool;
  const row = defined((await pool.query<EventRow>(`SELECT * FROM events WHERE stream_id = $1 ORDER BY stream_position DESC LIMIT 1`, [`cluster-${clusterId}`])).rows[0], "the registry's last event");
  const data = { ...row.data, internalPriceGroszePerMwh: 1 };
  const hash = eventHash(row.previous_hash, { streamId: row.stream_id, streamPosition: row.stream_position, type: row.type, schemaVersion: row.schema_version, data, metadata: row.metadata });
  await pool.query('ALTER TABLE events DISABLE TRIGGER events_no_update');
  await pool.query('UPDATE events SET data = $1::json, hash = $2 WHERE global_position = $3', [canonicalJson(data), hash, row.global_position]);
  await pool.query(`DELETE FROM events WHERE global_position = (SELECT max(global_position) FROM events WHERE stream_id = $1)`, [`trading-${clusterId}`]);
  await pool.query('ALTER TABLE events ENABLE TRIGGER events_no_update');
  const plain = (await t.http.get('/audit/verify').set(auditor).expect(200)).body as VerifyResult;
  expect(plain.intact).toBe(true);
  expect(plain.headsDigest).not.toBe(verified.headsDigest);

  const expected = [
    { streamId: `cluster-${clusterId}`, reason: 'rewritten', keptPosition: row.stream_position, keptHash: row.hash, foundPosition: row.stream_position, foundHash: hash },
    { streamId: `trading-${clusterId}`, reason: 'shorter', keptPosition: 1, keptHash: anyString, foundPosition: 0, foundHash: anyString },
  ];
  const api = await t.http.post('/audit/verify').set(auditor).set('content-type', 'text/tab-separated-values').send(headsText).expect(200);
  expect(api.body).toMatchObject({ intact: true, against: { historyIntact: false, changed: expected } });
  const fromExport = await t.http.post('/audit/verify').set(auditor).set('content-type', 'application/x-ndjson').send(exportText).expect(200);
  expect((fromExport.body as AgainstResult).against).toMatchObject({ format: 'export', historyIntact: false, changed: expected });
  const digestOnly = await t.http.post('/audit/verify').set(auditor).send({ headsDigest: verified.headsDigest, through: verified.through }).expect(200);
  expect((digestOnly.body as AgainstResult).against).toMatchObject({ format: 'digest', historyIntact: false });
  // the other cluster's auditor compares nothing of this cluster
  const otherAuditor = await tokenFor(t, 'auditor', otherCluster);
  const other = await t.http.post('/audit/verify').set(otherAuditor).set('content-type', 'text/tab-separated-values').send(headsText).expect(200);
  expect((other.body as AgainstResult).against).toMatchObject({ streams: 0, changed: [], historyIntact: true });

  // the command line: exit 1 and the streams named, from each form of anchor
  for (const file of ['heads.tsv', 'export.ndjson']) {
    const run = await cli(['dist/src/cli/audit-verify.js', '--cluster', clusterId, '--against', join(dir, file)]);
    expect(run.code).toBe(1);
    expect(
      (JSON.parse(run.stdout) as { against: { changed: { streamId: string; reason: string }[] } }).against.changed.map((c: { streamId: string; reason: string }) => `${c.reason} ${c.streamId}`),
    ).toEqual([`rewritten cluster-${clusterId}`, `shorter trading-${clusterId}`]);
  }
  const digestRun = await cli(['dist/src/cli/audit-verify.js', '--cluster', clusterId, '--against', join(dir, 'verify.json')]);
  expect(digestRun.code).toBe(1);
  expect((JSON.parse(digestRun.stdout) as AgainstResult).against).toMatchObject({ format: 'digest', historyIntact: false });
});

test('verify --heads writes the heads file whose SHA-256 is the printed digest; export prints the digest too', async () => {
  const run = await cli(['dist/src/cli/audit-verify.js', '--cluster', otherCluster, '--heads', join(dir, 'other.tsv')]);
  expect(run.code).toBe(0);
  const printed = JSON.parse(run.stdout) as { headsDigest: string; streams: number };
  const { readFileSync } = await import('node:fs');
  expect(
    createHash('sha256')
      .update(readFileSync(join(dir, 'other.tsv')))
      .digest('hex'),
  ).toBe(printed.headsDigest);
  const exported = await cli(['dist/src/cli/audit-export.js', join(dir, 'other.ndjson'), '--cluster', otherCluster]);
  expect(exported.code).toBe(0);
  expect(JSON.parse(exported.stdout)).toMatchObject({ headsDigest: printed.headsDigest, streams: printed.streams });
  const again = await cli(['dist/src/cli/audit-verify.js', '--cluster', otherCluster, '--against', join(dir, 'other.ndjson')]);
  expect(again.code).toBe(0);
  expect((JSON.parse(again.stdout) as AgainstResult).against).toMatchObject({ historyIntact: true, unchanged: printed.streams });
});

test('a bad anchor is refused naming the line, and nothing is compared', async () => {
  const bad = await t.http.post('/audit/verify').set(auditor).set('content-type', 'text/tab-separated-values').send(`cluster-${clusterId}\t0\tnothex\n`).expect(400);
  expect((bad.body as { errors: unknown[] }).errors).toEqual([{ line: 1, field: 'hash', reason: anyString }]);
  await t.http.post('/audit/verify').set(auditor).send({ headsDigest: 'x' }).expect(400);
  await t.http.post('/audit/verify').set(auditor).set('content-type', 'image/png').send('x').expect(400);
  await t.http.post('/audit/verify').set(coordinator).send({ heads: [] }).expect(403);
});
