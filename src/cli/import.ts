// npm run import -- --cluster ID --format generic|tauron|enea [--ppe CODE] [--balancing before|after] FILE
// Records a metering file exactly as the file endpoint does; a rejected file lists its bad lines.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Transform } from 'node:stream';
import { isDomainError } from '../common/domain-error.js';
import { runWithContext } from '../common/request-context.js';
import { MeteringService } from '../metering/metering.service.js';
import { fail, withService } from './cli-service.js';

const { values, positionals } = parseArgs({
  options: { cluster: { type: 'string' }, format: { type: 'string' }, ppe: { type: 'string' }, balancing: { type: 'string' } },
  allowPositionals: true,
});
const usage = 'usage: npm run import -- --cluster ID --format generic|tauron|enea [--ppe CODE] [--balancing before|after] FILE';
if (!values.cluster || !values.format || positionals.length !== 1) fail(usage);
if (!['generic', 'tauron', 'enea'].includes(values.format)) fail(`--format must be generic, tauron or enea\n${usage}`);
if (values.format !== 'generic' && !values.ppe) fail(`--ppe is required for ${values.format} files (one PPE per file)`);
if (values.balancing && !['before', 'after'].includes(values.balancing)) fail('--balancing must be before or after');
const file = positionals[0];
if (!existsSync(file)) fail(`no such file: ${file}`);

const hash = createHash('sha256');
const hashing = new Transform({ transform(chunk, _e, cb) { hash.update(chunk); cb(null, chunk); } });

const code = await withService(async (service) =>
  runWithContext({ correlationId: `cli-import-${Date.now()}`, actor: { tokenId: null, role: 'cli' } }, async () => {
    try {
      const report = await service.app.get(MeteringService).recordFile(values.cluster!, createReadStream(file).pipe(hashing), {
        format: values.format as 'generic' | 'tauron' | 'enea', ppeCode: values.ppe, balancing: (values.balancing as 'before' | 'after') ?? 'before',
        digest: () => hash.digest('hex'), source: `cli:${values.format}:${file}`,
      });
      console.log(JSON.stringify(report, null, 2));
      return 0;
    } catch (error) {
      if (!isDomainError(error)) throw error;
      console.error(error.message);
      for (const e of error.errors) console.error(`  ${e.line !== undefined ? `line ${e.line}` : e.field}: ${e.reason}`);
      return 1;
    }
  }),
);
process.exit(code);
