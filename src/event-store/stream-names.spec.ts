// Every stream kind the code can write is found here by its builder (an exported
// function named ...StreamId in src/) and must name its cluster by the rule of
// stream-names.ts, so a new kind cannot be left out of a cluster's audit.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { clusterOfStream, isSharedStream, SHARED_STREAM_IDS, streamOfCluster } from './stream-names.js';

const SRC = join(process.cwd(), 'src');
const BUILDER = /export\s+(?:function\s+(\w+StreamId)\s*\(|const\s+(\w+StreamId)\s*=)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

async function builders(): Promise<{ file: string; name: string; build: (...args: string[]) => string }[]> {
  const found = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(BUILDER)) {
      const name = match[1] ?? match[2];
      if (name === undefined) throw new Error(`${file}: a stream name builder matched without its name`);
      const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      found.push({ file: relative(SRC, file), name, build: module[name] as (...args: string[]) => string });
    }
  }
  return found;
}

const A = '0f8e2a4c-1b3d-4e5f-8a9b-0c1d2e3f4a5b';
const B = '0f8e2a4c-1b3d-4e5f-8a9b-0c1d2e3f4a5c';

test('every stream kind in src/ names its cluster by the rule (or is declared shared)', async () => {
  const found = await builders();
  const names = found.map((f) => f.name);
  // the kinds of the first release; others join this list by being found
  for (const known of ['clusterStreamId', 'meterStreamId', 'legacyMeterStreamId', 'tradingStreamId', 'settlementStreamId', 'invoicingStreamId']) expect(names).toContain(known);
  const kinds = new Set<string>();
  for (const { file, name, build } of found) {
    expect(typeof build).toBe('function');
    if (build.length === 0) {
      const id = build();
      expect({ file, name, id, shared: isSharedStream(id), cluster: clusterOfStream(id) }).toEqual({ file, name, id, shared: true, cluster: null });
      continue;
    }
    // the first argument is the cluster id; the others are whatever the kind needs
    const rest = Array.from({ length: build.length - 1 }, (_, i) => ['PL0000000001', '2026-05-01', '2026', 'x'][i] ?? `p${String(i)}`);
    const id = build(A, ...rest);
    expect({ file, name, id, cluster: clusterOfStream(id) }).toEqual({ file, name, id, cluster: A });
    expect(streamOfCluster(id, B)).toBe(false);
    kinds.add(id.slice(0, id.indexOf(A) - 1));
  }
  expect([...kinds].sort()).toEqual(expect.arrayContaining(['cluster', 'invoicing', 'meter', 'settlement', 'trading']));
});

test('the stream kinds of the first release, and the trading stream that has no suffix', () => {
  expect(clusterOfStream(`cluster-${A}`)).toBe(A);
  expect(clusterOfStream(`trading-${A}`)).toBe(A);
  expect(clusterOfStream(`meter-${A}-PL0001-2026-05-01`)).toBe(A);
  expect(clusterOfStream(`meter-${A}-PL0001-2026-05`)).toBe(A);
  expect(clusterOfStream(`settlement-${A}-2026-05`)).toBe(A);
  expect(clusterOfStream(`invoicing-${A}-2026`)).toBe(A);
  expect(clusterOfStream(`ksef-outbox-${A}`)).toBe(A);
  expect(clusterOfStream('legal-parameters')).toBeNull();
  expect(clusterOfStream(`trading-${A}x`)).toBeNull();
  expect(clusterOfStream(`Trading-${A}`)).toBeNull();
  for (const id of SHARED_STREAM_IDS) expect(clusterOfStream(id)).toBeNull();
});

test('a stream belongs to at most one cluster, whatever follows the cluster id', () => {
  fc.assert(
    fc.property(fc.uuid(), fc.uuid(), fc.stringMatching(/^[a-z]+(-[a-z]+)?$/), fc.string(), (a, b, kind, rest) => {
      const id = `${kind}-${a}-${rest}`;
      expect(clusterOfStream(id)).toBe(a);
      expect(streamOfCluster(id, b)).toBe(a === b);
    }),
  );
});
