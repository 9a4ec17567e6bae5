// npm run audit:export -- FILE [--cluster ID]: the whole log as NDJSON, in global order with
// hashes, then the digest over the exported streams' heads (the file is an anchor for
// audit:verify --against).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { exportLine } from '../audit/domain/export-line.js';
import { AuditService } from '../audit/queries/audit.service.js';
import { headsDigest } from '../audit/domain/verify-chain.js';
import { fail, withService } from './cli-service.js';

const { values, positionals } = parseArgs({ options: { cluster: { type: 'string' } }, allowPositionals: true });
const [file] = positionals;
if (positionals.length !== 1 || file === undefined) fail('usage: npm run audit:export -- FILE [--cluster ID]');
const out = createWriteStream(file);
const heads = new Map<string, { position: number; hash: string }>();
let through: string | null = null;
const count = await withService(async (service) => {
  let n = 0;
  for await (const event of service.app.get(AuditService).events(null, Number.MAX_SAFE_INTEGER, values.cluster)) {
    if (!out.write(exportLine(event))) await once(out, 'drain');
    heads.set(event.streamId, { position: event.streamPosition, hash: event.hash });
    through = event.globalPosition;
    n++;
  }
  return n;
});
out.end();
await once(out, 'finish');
const digest = headsDigest([...heads].map(([streamId, h]) => ({ streamId, streamPosition: h.position, hash: h.hash })));
console.error(`exported ${String(count)} events to ${String(positionals[0])}`);
console.log(JSON.stringify({ events: count, streams: heads.size, headsDigest: digest, through }, null, 2));
