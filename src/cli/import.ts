// npm run import -- --cluster ID --format generic|tauron|enea|profile:NAME [--ppe CODE] [--balancing before|after] [--hourly-split even|cluster-profile] FILE
// Records a metering file exactly as the file endpoint does; a rejected file lists its bad lines.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Transform } from 'node:stream';
import { isDomainError } from '../shared/domain-error.js';
import { runWithContext } from '../common/request-context.js';
import { MeteringService } from '../metering/metering.service.js';
import { ImportProfilesService } from '../metering/queries/import-profiles.query.js';
import { HOURLY_SPLIT_RULES, type HourlySplitRule } from '../metering/domain/hourly-split.js';
import { fail, withService } from './cli-service.js';

const { values, positionals } = parseArgs({
  options: { cluster: { type: 'string' }, format: { type: 'string' }, ppe: { type: 'string' }, balancing: { type: 'string' }, 'hourly-split': { type: 'string' } },
  allowPositionals: true,
});
const usage = 'usage: npm run import -- --cluster ID --format generic|tauron|enea|profile:NAME [--ppe CODE] [--balancing before|after] [--hourly-split even|cluster-profile] FILE';
const [file] = positionals;
if (!values.cluster || !values.format || positionals.length !== 1 || file === undefined) fail(usage);
const profileName = values.format.startsWith('profile:') ? values.format.slice('profile:'.length) : undefined;
if (!profileName && !['generic', 'tauron', 'enea'].includes(values.format)) fail(`--format must be generic, tauron, enea or profile:NAME\n${usage}`);
if ((values.format === 'tauron' || values.format === 'enea') && !values.ppe) fail(`--ppe is required for ${values.format} files (one PPE per file)`);
const hourlySplit = values['hourly-split'];
if (hourlySplit && !(HOURLY_SPLIT_RULES as readonly string[]).includes(hourlySplit)) fail(`--hourly-split must be ${HOURLY_SPLIT_RULES.join(' or ')}`);
if (values.balancing && !['before', 'after'].includes(values.balancing)) fail('--balancing must be before or after');
if (!existsSync(file)) fail(`no such file: ${file}`);
const clusterId = values.cluster;

const hash = createHash('sha256');
const hashing = new Transform({
  transform(chunk: Buffer, _e, cb) {
    hash.update(chunk);
    cb(null, chunk);
  },
});

const code = await withService(async (service) =>
  runWithContext({ correlationId: `cli-import-${String(Date.now())}`, actor: { tokenId: null, role: 'cli' } }, async () => {
    try {
      const profile = profileName ? await service.app.get(ImportProfilesService).resolve(clusterId, profileName, 'format') : undefined;
      if (profile && profile.ppeColumn === undefined && !values.ppe) fail(`--ppe is required: profile ${profile.name} reads one PPE a file`);
      const report = await service.app.get(MeteringService).recordFile(clusterId, createReadStream(file).pipe(hashing), {
        format: profile ? 'profile' : (values.format as 'generic' | 'tauron' | 'enea'),
        profile,
        ppeCode: values.ppe,
        balancing: (values.balancing ?? 'before') as 'before' | 'after',
        digest: () => hash.digest('hex'),
        source: `cli:${String(values.format)}:${file}`,
        hourlySplit: hourlySplit as HourlySplitRule | undefined,
      });
      console.log(JSON.stringify(report, null, 2));
      return 0;
    } catch (error) {
      if (!isDomainError(error)) throw error;
      console.error(error.message);
      for (const e of error.errors) {
        const where = e.line === undefined ? e.field : e.count ? `lines ${String(e.line)} to ${String(e.lastLine)} (${String(e.count)} lines)` : `line ${String(e.line)}`;
        console.error(`  ${where}: ${e.reason}`);
      }
      return 1;
    }
  }),
);
process.exit(code);
