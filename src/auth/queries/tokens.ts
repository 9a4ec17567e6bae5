// The access_tokens table: the only place it is read and written (issue, look up, revoke).
// TokenRepository is what the guard, the portal, the CLI and the command handlers call; the
// guard's lookups are kept between requests while that is safe (token-cache.ts).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { Principal, Role } from '../roles.decorator.js';
import { TokenCache } from './token-cache.js';

export interface TokenRecord extends Principal {
  expiresAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

export interface IssueTokenInput {
  role: Role;
  clusterId?: string | null;
  memberId?: string | null;
  label: string;
  expiresAt?: string | null;
  createdBy?: string | null;
}

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function newTokenSecret(): string {
  return 'kl_' + randomBytes(32).toString('base64url');
}

interface TokenRow {
  token_id: string;
  role: Role;
  cluster_id: string | null;
  member_id: string | null;
  label: string;
  expires_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}

function toRecord(row: TokenRow): TokenRecord {
  return {
    tokenId: row.token_id,
    role: row.role,
    clusterId: row.cluster_id,
    memberId: row.member_id,
    label: row.label,
    expiresAt: row.expires_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

/** The principal of a token record while it is valid, or why not. */
function principalOf(record: TokenRecord | undefined, now: Date): { principal?: Principal; reason?: string } {
  if (!record) return { reason: 'unknown token' };
  if (record.revokedAt) return { reason: 'token revoked' };
  if (record.expiresAt && new Date(record.expiresAt) <= now) return { reason: 'token expired' };
  const { tokenId, role, clusterId, memberId, label } = record;
  return { principal: { tokenId, role, clusterId, memberId, label } };
}

export class TokenRepository {
  private readonly cache: TokenCache<TokenRecord>;

  constructor(private readonly pool: Pool) {
    this.cache = new TokenCache<TokenRecord>(pool);
  }

  async issue(input: IssueTokenInput, secret = newTokenSecret()): Promise<{ tokenId: string; token: string }> {
    const tokenId = randomUUID();
    await this.pool.query(
      `INSERT INTO access_tokens (token_id, token_hash, role, cluster_id, member_id, label, expires_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [tokenId, hashToken(secret), input.role, input.clusterId ?? null, input.memberId ?? null, input.label, input.expiresAt ?? null, input.createdBy ?? null],
    );
    return { tokenId, token: secret };
  }

  /** The principal of a valid token: known, not expired, not revoked (kept from an earlier read while that is safe: token-cache.ts). */
  async authenticate(secret: string, now = new Date()): Promise<{ principal?: Principal; reason?: string }> {
    const hash = hashToken(secret);
    return principalOf(this.cache.get(hash) ?? (await this.readByHash(hash)), now);
  }

  /** The principal of a token by its id, while it is valid (a portal session's token). */
  async principalById(tokenId: string, now = new Date()): Promise<{ principal?: Principal; reason?: string }> {
    return principalOf(await this.get(tokenId), now);
  }

  private async readByHash(hash: string): Promise<TokenRecord | undefined> {
    const startedAt = this.cache.readStartedAt;
    const { rows } = await this.pool.query<TokenRow>({ name: 'access-token-by-hash', text: 'SELECT * FROM access_tokens WHERE token_hash = $1', values: [hash] });
    const record = rows[0] && toRecord(rows[0]);
    if (record && !record.revokedAt) this.cache.keep(hash, record, startedAt);
    return record;
  }

  /** Stops listening for token changes (the service's shutdown). */
  onModuleDestroy(): Promise<void> {
    return this.cache.close();
  }

  /** Whether a cluster is registered (the registry read model) and the member admitted to it. */
  async scope(clusterId: string, memberId?: string): Promise<{ cluster: boolean; member: boolean }> {
    const { rows } = await this.pool.query<{ member: boolean }>("SELECT coalesce(state->'members' ? $2, false) AS member FROM registry_clusters WHERE cluster_id = $1", [clusterId, memberId ?? '']);
    return { cluster: rows.length > 0, member: rows[0]?.member ?? false };
  }

  async list(clusterId?: string): Promise<TokenRecord[]> {
    const { rows } = clusterId
      ? await this.pool.query<TokenRow>('SELECT * FROM access_tokens WHERE cluster_id = $1 ORDER BY created_at, token_id', [clusterId])
      : await this.pool.query<TokenRow>('SELECT * FROM access_tokens ORDER BY created_at, token_id');
    return rows.map(toRecord);
  }

  async get(tokenId: string): Promise<TokenRecord | undefined> {
    const { rows } = await this.pool.query<TokenRow>('SELECT * FROM access_tokens WHERE token_id = $1', [tokenId]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async revoke(tokenId: string): Promise<TokenRecord | undefined> {
    const { rows } = await this.pool.query<{ token_hash: string }>('UPDATE access_tokens SET revoked_at = now() WHERE token_id = $1 AND revoked_at IS NULL RETURNING token_hash', [tokenId]);
    // at once in this process; the others hear it from the table's trigger
    for (const row of rows) this.cache.forget(row.token_hash);
    return this.get(tokenId);
  }

  async hasAdmin(): Promise<boolean> {
    const { rows } = await this.pool.query("SELECT 1 FROM access_tokens WHERE role = 'admin' AND revoked_at IS NULL LIMIT 1");
    return rows.length > 0;
  }

  /** ADMIN_TOKEN from the environment, or a new one printed once at the first start. */
  async ensureAdmin(configured: string | undefined): Promise<{ created: boolean; token?: string }> {
    if (configured) {
      const known = await this.pool.query('SELECT 1 FROM access_tokens WHERE token_hash = $1', [hashToken(configured)]);
      if (known.rows.length > 0) return { created: false };
      await this.issue({ role: 'admin', label: 'ADMIN_TOKEN' }, configured);
      return { created: true };
    }
    if (await this.hasAdmin()) return { created: false };
    const { token } = await this.issue({ role: 'admin', label: 'first admin (generated at first start)' });
    return { created: true, token };
  }
}
