// npm run audit:export -- FILE [--cluster ID]: the whole log as NDJSON, in global order with hashes.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { exportLine } from '../audit/audit.controller.js';
import { AuditService } from '../audit/audit.service.js';
import { fail, withService } from './cli-service.js';

const { values, positionals } = parseArgs({ options: { cluster: { type: 'string' } }, allowPositionals: true });
if (positionals.length !== 1) fail('usage: npm run audit:export -- FILE [--cluster ID]');
const out = createWriteStream(positionals[0]);
const count = await withService(async (service) => {
  let n = 0;
  for await (const event of service.app.get(AuditService).events(null, Number.MAX_SAFE_INTEGER, values.cluster)) {
    if (!out.write(exportLine(event))) await once(out, 'drain');
    n++;
  }
  return n;
});
out.end();
await once(out, 'finish');
console.log(`exported ${count} events to ${positionals[0]}`);
