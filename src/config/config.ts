// Typed configuration from the environment, validated once at start.
// A bad setting stops the service with a message naming the variable.
import { isIP } from 'node:net';

export interface AppConfig {
  port: number;
  host: string;
  /** When absent the service starts its own embedded PostgreSQL. */
  databaseUrl?: string;
  dataDir: string;
  embeddedPostgresPort: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  eventStore: 'postgres' | 'kurrentdb';
  kurrentDbUrl?: string;
  adminToken?: string;
  projectionPollMs: number;
  projectionBatchSize: number;
  corsOrigins: string[];
  rateLimitPerMinute: number;
  /** Express's trust proxy: false, a number of proxy hops, or the proxies' addresses/subnets. */
  trustProxy: false | number | string[];
  ksef: KsefConfig;
}

export interface KsefConfig {
  /** AES-256-GCM key for KSeF tokens at rest; without it no cluster can connect KSeF. */
  secretKey: Buffer | null;
  /** Replaces the API address of every environment (a stand-in, a proxy); normally unset. */
  apiUrlOverride: string | undefined;
  worker: boolean;
  pollMs: number;
  timeoutMs: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Invalid configuration: ${variable} ${reason}`);
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${String(min)} and ${String(max)}, got ${String(value)}`);
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  return raw;
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * TRUST_PROXY: unset or false (the default: the client's address is the socket's), a
 * number of proxy hops in front of the service, or comma-separated proxy addresses or
 * subnets (`loopback`, `10.0.0.0/8`). Not `true`: trusting every hop lets any client
 * pick its address by X-Forwarded-For, and with it its rate limit.
 */
function trustProxy(env: Env): false | number | string[] {
  const raw = (env.TRUST_PROXY ?? '').trim();
  if (raw === '' || raw === 'false' || raw === '0') return false;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > 10) throw new ConfigError('TRUST_PROXY', `must be at most 10 proxy hops, got ${String(hops)}`);
    return hops;
  }
  if (raw === 'true') throw new ConfigError('TRUST_PROXY', "must be a number of proxy hops or the proxies' addresses, not true (any client could then choose its address)");
  const entries = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of entries) {
    // split gives at least one part: the default never applies
    const [address = '', prefix, extra] = entry.split('/');
    const ok =
      extra === undefined && (PROXY_NAMES.includes(entry) || (isIP(address) !== 0 && (prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (isIP(address) === 4 ? 32 : 128)))));
    if (!ok) throw new ConfigError('TRUST_PROXY', `must be false, a number of hops, or addresses/subnets (loopback, 10.0.0.0/8); "${entry}" is none of them`);
  }
  return entries;
}

/** 32 bytes as base64 (44 characters) or hex (64). */
function secretKey(env: Env, name: string): Buffer | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : /^[A-Za-z0-9+/]{43}=$/.test(raw) ? Buffer.from(raw, 'base64') : null;
  if (!key || key.length !== 32) throw new ConfigError(name, 'must be 32 random bytes as base64 (44 characters) or hex (64 characters), e.g. `openssl rand -base64 32`');
  return key;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const eventStore = oneOf(env, 'EVENT_STORE', ['postgres', 'kurrentdb'] as const, 'postgres');
  const kurrentDbUrl = url(env, 'KURRENTDB_URL', ['kurrentdb:', 'esdb:', 'kurrentdb+discover:', 'esdb+discover:']);
  if (eventStore === 'kurrentdb' && !kurrentDbUrl) {
    throw new ConfigError('KURRENTDB_URL', 'is required when EVENT_STORE=kurrentdb');
  }
  const adminToken = env.ADMIN_TOKEN || undefined;
  if (adminToken !== undefined && adminToken.length < 32) {
    throw new ConfigError('ADMIN_TOKEN', 'must be at least 32 characters long');
  }
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir: env.DATA_DIR || '.data',
    embeddedPostgresPort: integer(env, 'EMBEDDED_PG_PORT', 54329, 1, 65535),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    eventStore,
    kurrentDbUrl,
    adminToken,
    projectionPollMs: integer(env, 'PROJECTION_POLL_MS', 1000, 10, 60000),
    projectionBatchSize: integer(env, 'PROJECTION_BATCH_SIZE', 2000, 1, 100000),
    rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 1200, 1, 1_000_000),
    ksef: {
      secretKey: secretKey(env, 'KSEF_SECRET_KEY'),
      apiUrlOverride: url(env, 'KSEF_API_URL', ['http:', 'https:'])?.replace(/\/$/, ''),
      worker: oneOf(env, 'KSEF_WORKER', ['on', 'off'] as const, 'on') === 'on',
      pollMs: integer(env, 'KSEF_POLL_MS', 30_000, 10, 3_600_000),
      timeoutMs: integer(env, 'KSEF_TIMEOUT_MS', 30_000, 10, 600_000),
    },
    corsOrigins: (env.CORS_ORIGINS || '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    trustProxy: trustProxy(env),
  };
}
