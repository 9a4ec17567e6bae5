// HTTP fuzz suite over every route (fast-check): generated bodies (valid bodies with one
// field made wild, any JSON, truncated JSON), query strings and path parameters of any
// bytes, headers. Properties: never a 5xx; every 4xx of the API is problem+json, a 400
// naming a field or line; nothing in the event log changes on a 4xx.
// FUZZ_RUNS cases (default 600), FUZZ_SEED to replay a failure (the seed is printed).
import fc from 'fast-check';
import type { Response } from 'supertest';
import { AGREEMENT, clusterWithCoordinator, ORZESZE, tokenFor } from '../support/fixtures.js';
import { listRoutes, type RouteInfo } from '../support/routes.js';
import { startTestService, type TestService } from '../support/service.js';
import { matching } from '../support/expect.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 600);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

let t: TestService;
let clusterId: string;
let memberId: string;
let buyerId: string;
let tokens: Record<string, { Authorization: string }>;
function tokenOf(name: string): { Authorization: string } {
  const token = tokens[name];
  if (!token) throw new Error(`no token for ${name}`);
  return token;
}
let routes: RouteInfo[];

const MEMBER = { kind: 'household', legalName: 'Anna Nowak', address: 'Orzesze', invoiceEmail: 'a@example.pl', vatPayer: false, admittedOn: '2026-01-01' };

beforeAll(async () => {
  // the rate limit is its own test; here it would answer 429 to most of the cases
  t = await startTestService({ RATE_LIMIT_PER_MINUTE: '1000000' });
  const a = await clusterWithCoordinator(t);
  clusterId = a.clusterId;
  memberId = ((await t.http.post(`/clusters/${clusterId}/members`).set(a.coordinator).send(MEMBER).expect(201)).body as { memberId: string }).memberId;
  buyerId = (
    (
      await t.http
        .post(`/clusters/${clusterId}/members`)
        .set(a.coordinator)
        .send({ ...MEMBER, legalName: 'Kupiec' })
        .expect(201)
    ).body as { memberId: string }
  ).memberId;
  await t.http
    .post(`/clusters/${clusterId}/metering-points`)
    .set(a.coordinator)
    .send({ ppeCode: 'PLHOME0001', memberId, role: 'prosumer', carrier: 'electricity', source: 'pv', validFrom: '2026-01-01' })
    .expect(201);
  await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(a.coordinator)
    .send({ ...AGREEMENT, intervalMinutes: 15 })
    .expect(201);
  tokens = {
    admin: t.admin,
    coordinator: a.coordinator,
    member: await tokenFor(t, 'member', clusterId, memberId),
    auditor: await tokenFor(t, 'auditor', clusterId),
    'meter-data': await tokenFor(t, 'meter-data', clusterId),
  };
  routes = listRoutes(t.service.app).filter((r) => !r.path.startsWith('/docs'));
  // the portal's pages and forms, signed in as the coordinator and as the member
  const session = async (token: { Authorization: string }) => {
    const res = await t.http
      .post('/portal/sign-in')
      .type('form')
      .send({ token: token.Authorization.slice('Bearer '.length) });
    return {
      Cookie: ([] as string[])
        .concat(res.headers['set-cookie'] ?? [])
        .map((c) => c.split(';')[0])
        .join('; '),
    } as unknown as { Authorization: string };
  };
  tokens.portal = await session(tokenOf('coordinator'));
  tokens['portal-member'] = await session(tokenOf('member'));
});
afterAll(() => t.stop());

/** A valid body of each write, to make one field wild in. */
function validBody(route: RouteInfo): Record<string, unknown> {
  const p = route.path;
  if (p === '/clusters') return structuredClone(ORZESZE);
  if (p === '/tokens') return { role: 'auditor', clusterId, label: 'fuzz', expiresAt: '2099-01-01T00:00:00+01:00' };
  if (p.endsWith('/coordinator')) return structuredClone(ORZESZE.coordinator);
  if (p.endsWith('/members')) return { ...MEMBER };
  if (p.endsWith('/withdrawal')) return { effectiveOn: '2026-07-01' };
  if (p.endsWith('/metering-points')) return { ppeCode: 'PLFUZZ0001', memberId, role: 'consumer', carrier: 'electricity', validFrom: '2026-02-01', capacityKw: 1.5 };
  if (p.endsWith('/reassignment')) return { memberId: buyerId, effectiveFrom: '2026-03-01' };
  if (p.endsWith('/decommissioning')) return { effectiveFrom: '2026-12-31' };
  if (p.endsWith('/agreement-versions')) return { ...structuredClone(AGREEMENT), effectiveFrom: '2026-09', intervalMinutes: 15 };
  if (p.endsWith('/readings')) {
    return {
      source: 'fuzz',
      readings: [{ ppeCode: 'PLHOME0001', intervalStart: '2026-05-01T00:00:00+02:00', intervalMinutes: 15, importWh: 100, exportWh: 0, quality: 'measured' }],
      series: [{ ppeCode: 'PLHOME0001', intervalStart: '2026-05-02T00:00:00+02:00', intervalMinutes: 15, importWh: [1, 2], exportWh: [0, 0] }],
    };
  }
  if (p.endsWith('/contracts'))
    return {
      sellerMemberId: memberId,
      buyerMemberId: buyerId,
      whPerInterval: 1000,
      priceGroszePerMwh: 40000,
      validFrom: '2026-05-01',
      validTo: '2026-12-31',
      window: { from: '06:00', to: '22:00', workingDaysOnly: true },
    };
  if (p.endsWith('/termination')) return { effectiveFrom: '2027-01-01' };
  if (p.endsWith('/close')) return { allowGaps: true, reason: 'fuzz' };
  if (p.startsWith('/portal/cluster')) return { allowGaps: '1', reason: 'fuzz' };
  if (p.endsWith('/corrections')) return { reason: 'fuzz' };
  return {};
}

const percentBytes = (bytes: number[]) => bytes.map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
/** Text of any code units, lone surrogates included (sent in JSON, where they are escapes). */
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ maxLength: 10 }));
const dates = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
    .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
  fc.tuple(fc.integer({ min: 1900, max: 2100 }), fc.integer({ min: 0, max: 13 })).map(([y, m]) => `${String(y)}-${String(m).padStart(2, '0')}`),
  fc
    .tuple(fc.integer({ min: 1, max: 31 }), fc.integer({ min: 0, max: 25 }), fc.constantFrom('Z', '+02:00', '+25:00', '-14:00', '+14:30', '', '+0200'))
    .map(([d, h, o]) => `2026-05-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00${o}`),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
);
const numbers = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, -1, 2 ** 53, 2 ** 53 + 2, 1e308, -1e308, 1e-300, 250_000_001, 1_000_000_001),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((n) => Number(n)),
);
const longText = fc.tuple(fc.constantFrom(1, 63, 64, 65, 199, 200, 201, 299, 300, 301, 500, 501, 1000, 1001, 20_000), fc.constantFrom('a', 'ż', '😀', ' ')).map(([n, ch]) => ch.repeat(n));
const wild: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 2, arbitrary: longText },
  { weight: 3, arbitrary: anyText },
  { weight: 3, arbitrary: dates },
  { weight: 3, arbitrary: numbers },
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(anyText, { maxLength: 3 }),
);
const wildPath = fc.oneof(
  anyText.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, ''))),
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 12 }).map(percentBytes),
  dates,
);

/** A body: the route's valid body with one field (at any depth) made wild, any JSON, or JSON cut short. */
function bodies(route: RouteInfo) {
  const valid = validBody(route);
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    if (path.length > 0) paths.push(path);
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        walk(x, [...path, i]);
      });
    } else if (v && typeof v === 'object') for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], [...path, k]);
  };
  walk(valid, []);
  // a valid text with a character added keeps most of its shape: it reaches the deciders
  const nearly = (value: unknown) =>
    typeof value === 'string'
      ? fc
          .tuple(fc.nat(), fc.oneof(fc.constantFrom(' ', '-', '😀', 'ż', '\u00a0', '/', '.', '0', 'Z', '+25:00', 'T24:00'), anyText))
          .map(([i, ch]) => value.slice(0, i % (value.length + 1)) + ch + value.slice(i % (value.length + 1)))
      : typeof value === 'number'
        ? fc.constantFrom(value + 1, value - 1, -value, value * 1000, value + 0.5)
        : wild;
  const mutation = fc.constantFrom(...(paths.length > 0 ? paths : [['x']])).chain((path) => {
    let at: unknown = valid;
    for (const k of path) at = (at as Record<string | number, unknown> | undefined)?.[k];
    return fc.tuple(fc.constant(path), fc.oneof(wild, nearly(at)), fc.boolean());
  });
  const mutated = fc.array(mutation, { minLength: 1, maxLength: 2 }).map((changes) => {
    const copy = structuredClone(valid) as Record<string | number, unknown>;
    for (const [path, value, remove] of changes) {
      let at: unknown = copy;
      for (const k of path.slice(0, -1)) at = (at as Record<string | number, unknown> | null | undefined)?.[k] ?? {};
      if (at === null || typeof at !== 'object') continue; // an earlier change replaced the parent
      const parent = at as Record<string | number, unknown>;
      const last = path.at(-1);
      if (last === undefined) continue;
      if (remove && !Array.isArray(parent)) Reflect.deleteProperty(parent, last);
      else parent[last] = value;
    }
    return copy;
  });
  return fc.oneof(
    { weight: 5, arbitrary: mutated.map((b) => ({ kind: 'json' as const, text: JSON.stringify(b) })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'json' as const, text: JSON.stringify(valid) }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((b) => ({ kind: 'json' as const, text: (JSON.stringify(b) as string | undefined) ?? 'null' })) },
    {
      weight: 1,
      arbitrary: fc.nat().map((n) => {
        const text = JSON.stringify(valid);
        return { kind: 'json' as const, text: text.slice(0, n % Math.max(1, text.length)) };
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(anyText, fc.constantFrom('text/csv', 'multipart/form-data; boundary=XyZ', 'multipart/form-data', 'application/x-www-form-urlencoded', 'text/plain', 'application/json; charset=latin1'))
        .map(([text, type]) => ({ kind: 'raw' as const, text: type.startsWith('multipart') ? `--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n${text}` : text, type })),
    },
  );
}

const QUERY_NAMES = ['from', 'to', 'asOf', 'day', 'month', 'format', 'ppeCode', 'balancing', 'after', 'limit', 'member', 'lang'];
const queries = fc
  .array(fc.tuple(fc.constantFrom(...QUERY_NAMES), fc.oneof(dates, wildPath, fc.constantFrom('generic', 'tauron', '2026-05', '1', '0:0'))), { maxLength: 4 })
  .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));

function pathValue(name: string) {
  const known: Record<string, fc.Arbitrary<string>> = {
    clusterId: fc.constant(clusterId),
    memberId: fc.constantFrom(memberId, buyerId),
    ppeCode: fc.constant('PLHOME0001'),
    month: fc.constantFrom('2026-05', '2026-01', '2025-12'),
    tokenId: fc.uuid(),
    invoiceId: fc.constant('FV-2026-000001'),
    contractId: fc.uuid(),
    action: fc.constantFrom('close', 'invoices', 'corrections'),
  };
  return fc.oneof({ weight: 4, arbitrary: known[name] ?? fc.constant('x') }, { weight: 1, arbitrary: wildPath.filter((s) => s.length > 0) });
}

const cases = () =>
  fc.constantFrom(...routes).chain((route) =>
    fc.record({
      route: fc.constant(route),
      path: fc.tuple(...(route.path.match(/:\w+/g) ?? []).map((p) => pathValue(p.slice(1)))).map((values) => {
        let i = 0;
        // one value a parameter: String() is what replace made of it anyway
        return route.path.replace(/:\w+/g, () => String(values[i++]));
      }),
      role: fc.oneof(
        {
          weight: 4,
          arbitrary: route.path.startsWith('/portal') ? fc.constantFrom('portal', 'portal-member') : fc.constant(route.roles?.includes('coordinator') ? 'coordinator' : (route.roles?.[0] ?? 'admin')),
        },
        { weight: 1, arbitrary: fc.constantFrom('admin', 'coordinator', 'member', 'auditor', 'meter-data', 'none') },
      ),
      query: fc.oneof(fc.constant(''), queries),
      body: bodies(route),
      idempotencyKey: fc.option(
        fc.oneof(
          fc.uuid(),
          anyText.map((s) => s.replace(/[^\x21-\x7e]/g, '').slice(0, 250)),
        ),
      ),
      accept: fc.option(fc.constantFrom('application/pdf', 'text/html', '*/*', 'application/json')),
      // header values: anything an HTTP client can send (visible ASCII, spaces, Latin-1)
      correlationId: fc.option(
        fc.string({
          unit: fc
            .integer({ min: 0x20, max: 0xff })
            .filter((c) => c !== 0x7f)
            .map((c) => String.fromCharCode(c)),
          maxLength: 120,
        }),
      ),
      // now and then a broken Authorization instead of the role's token
      authorization: fc.oneof(
        { weight: 9, arbitrary: fc.constant(null) },
        {
          weight: 1,
          arbitrary: fc.oneof(
            fc.constant('Bearer '),
            fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }).map((x) => `Bearer ${x}`),
          ),
        },
      ),
    }),
  );

async function logHead() {
  const { rows } = await t.service.database.pool.query<{ n: number; head: string }>('SELECT count(*)::int AS n, coalesce(max(global_position), 0)::text AS head FROM events');
  return `${String(rows[0]?.n)}/${String(rows[0]?.head)}`;
}

test(
  `the fuzz suite: ${String(RUNS)} generated requests over every route (seed printed)`,
  async () => {
    console.log(`fuzz: FUZZ_SEED=${String(SEED)} FUZZ_RUNS=${String(RUNS)}`);
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(cases(), async (c) => {
        const before = await logHead();
        const url = c.query ? `${c.path}?${c.query}` : c.path;
        const method = c.route.method.toLowerCase() as 'get' | 'post' | 'put';
        // an answer that never comes is a finding too (a wedged request), not a hung suite
        let req = t.http[method](url).timeout(20_000);
        if (c.role !== 'none') req = req.set(tokenOf(c.role));
        if (c.idempotencyKey) req = req.set('Idempotency-Key', c.idempotencyKey);
        if (c.accept) req = req.set('Accept', c.accept);
        if (c.correlationId) req = req.set('X-Correlation-Id', c.correlationId);
        if (c.authorization) req = req.set('Authorization', c.authorization);
        let res: Response;
        const where0 = `${c.route.method} ${url} as ${c.role}`;
        req = req.on('error', () => undefined);
        if (method === 'get')
          res = await req.catch((e: unknown) => {
            throw new Error(`${where0}: ${e instanceof Error ? e.message : String(e)}`);
          });
        else if (c.body.kind === 'json' && c.route.path.startsWith('/portal/cluster')) {
          const fields = (() => {
            try {
              return JSON.parse(c.body.text) as unknown;
            } catch {
              return {};
            }
          })();
          const form =
            fields && typeof fields === 'object' && !Array.isArray(fields)
              ? Object.entries(fields)
                  .map(([k, v]) => `${encodeURIComponent(k.replace(/[\ud800-\udfff]/g, ''))}=${encodeURIComponent(String(v).replace(/[\ud800-\udfff]/g, ''))}`)
                  .join('&')
              : '';
          res = await req.set('content-type', 'application/x-www-form-urlencoded').send(form);
        } else if (c.body.kind === 'json') res = await req.set('content-type', 'application/json').send(c.body.text);
        else res = await req.set('content-type', c.body.type).send(c.body.text);
        seen.set(`${c.route.method} ${c.route.path} ${String(res.status)}`, (seen.get(`${c.route.method} ${c.route.path} ${String(res.status)}`) ?? 0) + 1);
        const where = `${c.route.method} ${url} as ${c.role}: ${String(res.status)} ${res.text.slice(0, 300)}`;
        expect({ where, serverError: res.status >= 500 }).toEqual({ where, serverError: false });
        if (res.status >= 400 && !c.route.path.startsWith('/portal')) {
          expect({ where, type: res.headers['content-type'] }).toEqual({ where, type: matching(/^application\/problem\+json/) });
          if (res.status === 400) {
            const problem = res.body as { errors?: { field?: unknown; line?: unknown }[] };
            const named =
              Array.isArray(problem.errors) && problem.errors.length > 0 && problem.errors.every((e: { field?: unknown; line?: unknown }) => typeof e.field === 'string' || typeof e.line === 'number');
            expect({ where, named }).toEqual({ where, named: true });
          }
        }
        if (res.status >= 400) expect({ where, log: await logHead() }).toEqual({ where, log: before });
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    const statuses = [...seen.entries()].reduce<Record<number, number>>((acc, [k, n]) => ({ ...acc, [Number(k.split(' ').pop())]: (acc[Number(k.split(' ').pop())] ?? 0) + n }), {});
    console.log(`fuzz: ${String(RUNS)} cases over ${String(new Set([...seen.keys()].map((k) => k.split(' ').slice(0, 2).join(' '))).size)} routes; statuses ${JSON.stringify(statuses)}`);
    // still serving
    await t.http.get(`/clusters/${clusterId}`).set(tokenOf('coordinator')).expect(200);
  },
  Math.max(60_000, RUNS * 60),
);
