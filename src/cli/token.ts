// npm run token -- create --role ROLE [--cluster ID] [--member ID] [--label TEXT] [--expires ISO-WITH-OFFSET]
// npm run token -- list | revoke TOKEN_ID
// Prints a new token once; only its hash is stored.
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../auth/roles.decorator.js';
import { TokenRepository } from '../auth/queries/tokens.js';
import { parseInstant } from '../shared/instant.js';
import { textReason } from '../common/text.js';
import { fail, withService } from './cli-service.js';

const { values, positionals } = parseArgs({
  options: { role: { type: 'string' }, cluster: { type: 'string' }, member: { type: 'string' }, label: { type: 'string' }, expires: { type: 'string' } },
  allowPositionals: true,
});
const usage =
  'usage: npm run token -- create --role admin|coordinator|member|auditor|meter-data [--cluster ID] [--member ID] [--label TEXT] [--expires ISO]\n       npm run token -- list\n       npm run token -- revoke TOKEN_ID';
const [action, argument] = positionals;
const expires = values.expires === undefined ? undefined : parseInstant(values.expires);
if (action === 'create') {
  if (!values.role || !(ROLES as readonly string[]).includes(values.role)) fail(`--role must be one of ${ROLES.join(', ')}\n${usage}`);
  if (values.role !== 'admin' && !values.cluster) fail(`--cluster is required for the role ${values.role}`);
  if (values.role === 'member' && !values.member) fail('--member is required for the role member');
  if (typeof expires === 'string') fail(`--expires: ${expires}`);
  for (const [name, text] of [
    ['--label', values.label],
    ['--cluster', values.cluster],
    ['--member', values.member],
  ] as const) {
    const reason = text === undefined ? undefined : textReason(text);
    if (reason) fail(`${name} ${reason}`);
  }
} else if (action === 'revoke') {
  if (!argument) fail(usage);
} else if (action !== 'list') fail(usage);

await withService(async (service) => {
  const tokens = service.app.get(TokenRepository);
  if (action === 'create') {
    const issued = await tokens.issue({
      role: values.role as Role,
      clusterId: values.cluster ?? null,
      memberId: values.member ?? null,
      label: values.label ?? `${String(values.role)} (cli)`,
      expiresAt: typeof expires === 'number' ? new Date(expires).toISOString() : null,
    });
    console.log(`token id: ${issued.tokenId}`);
    console.log(`token (shown once): ${issued.token}`);
  } else if (action === 'list') {
    for (const t of await tokens.list()) console.log([t.tokenId, t.role, t.clusterId ?? '-', t.memberId ?? '-', t.revokedAt ? 'revoked' : (t.expiresAt ?? 'no expiry'), t.label].join('\t'));
  } else {
    // checked above for revoke; the closure does not keep the narrowing
    if (!argument) fail(usage);
    const token = await tokens.revoke(argument);
    if (!token) fail(`no token ${argument}`);
    console.log(`revoked ${argument}`);
  }
});
