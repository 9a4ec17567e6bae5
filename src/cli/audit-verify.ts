// npm run audit:verify [-- --cluster ID] [--against FILE] [--heads FILE]: recomputes every
// hash chain and prints the digest over the stream heads. --heads writes the heads file
// (its SHA-256 is the digest: keep it somewhere the database's superuser cannot write).
// --against compares with an anchor kept earlier (a heads file, an export, or the JSON
// this printed) and names every stream whose history changed. Exit 1 on a broken link or
// a changed history.
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { type Anchor, linesOf, readAnchor } from '../audit/domain/anchor.js';
import { AuditService } from '../audit/queries/audit.service.js';
import { headLine } from '../audit/domain/verify-chain.js';
import { isDomainError } from '../shared/domain-error.js';
import { fail, withService } from './cli-service.js';

const { values } = parseArgs({ options: { cluster: { type: 'string' }, against: { type: 'string' }, heads: { type: 'string' } } });
let anchor: Anchor | undefined;
if (values.against) {
  try {
    anchor = await readAnchor(linesOf(createReadStream(values.against)));
  } catch (error) {
    if (isDomainError(error)) fail(`${values.against}: ${error.message}\n${error.errors.map((e) => `  ${e.line !== undefined ? `line ${String(e.line)}` : e.field}: ${e.reason}`).join('\n')}`);
    fail(`${values.against}: ${(error as Error).message}`);
  }
}
const result = await withService(async (service) => {
  const verifier = await service.app.get(AuditService).verifyWithHeads(values.cluster, anchor);
  if (values.heads) {
    const out = createWriteStream(values.heads);
    for (const head of verifier.currentHeads()) if (!out.write(headLine(head))) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
  }
  return verifier.result();
});
console.log(JSON.stringify(result, null, 2));
process.exit(result.intact && (!('against' in result) || result.against?.historyIntact) ? 0 : 1);
