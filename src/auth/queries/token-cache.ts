// The valid tokens this process has read from access_tokens, so that a request does not read
// its token again: the guard's lookup was one of the four queries of a member statement GET.
// Trusted only while the process listens on access_tokens_changed (migration 094), which
// every change to a token row notifies at commit with its hash: a revoked token is dropped
// here before the next request, in every process. While not listening (not yet connected,
// the connection lost), nothing is served from here and every request reads the table.
import type { Pool, PoolClient } from 'pg';

const CHANNEL = 'access_tokens_changed';
/** How many tokens a process keeps (the oldest read leaves first). */
const TOKENS_KEPT = 10_000;
/** How soon a lost listening connection is made again. */
const RETRY_MS = 1000;

/** Keyed by the token's hash; `T` is the token's record (tokens.ts). */
export class TokenCache<T> {
  private readonly known = new Map<string, T>();
  /** Moves at every change heard and every loss of the connection: a read that began before it is not kept. */
  private generation = 0;
  private client: PoolClient | undefined;
  private listening = false;
  private started = false;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly pool: Pool) {}

  /** The token read earlier, while listening; undefined otherwise (read it from the table). */
  get(hash: string): T | undefined {
    this.start();
    return this.listening ? this.known.get(hash) : undefined;
  }

  /** The generation a read begins at: give it back to keep(). */
  get readStartedAt(): number {
    return this.generation;
  }

  /** Keeps a token read from the table, unless something changed since the read began. */
  keep(hash: string, record: T, readStartedAt: number): void {
    if (!this.listening || readStartedAt !== this.generation) return;
    this.known.delete(hash);
    const oldest = this.known.keys().next();
    if (this.known.size >= TOKENS_KEPT && !oldest.done) this.known.delete(oldest.value);
    this.known.set(hash, record);
  }

  /** Drops one token (a change heard, or made in this process), or all of them (''). */
  forget(hash: string): void {
    this.generation++;
    if (hash === '') this.known.clear();
    else this.known.delete(hash);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopListening();
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    if (client) {
      await client.query(`UNLISTEN ${CHANNEL}`).catch(() => undefined);
      client.release();
    }
  }

  private start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.listen();
  }

  private stopListening(): void {
    this.listening = false;
    this.forget('');
  }

  private listen(): void {
    this.pool.connect().then(
      async (client) => {
        if (this.closed) {
          client.release();
          return;
        }
        this.client = client;
        client.on('notification', (message) => {
          if (message.channel === CHANNEL) this.forget(message.payload ?? '');
        });
        client.on('error', () => {
          if (this.client !== client) return;
          this.client = undefined;
          this.stopListening();
          client.release(true);
          this.again();
        });
        try {
          await client.query(`LISTEN ${CHANNEL}`);
          // whatever was kept before listening began is not trusted
          this.forget('');
          // close() meanwhile took the client away
          this.listening = this.client === client;
        } catch {
          if (this.client === client) {
            this.client = undefined;
            client.release(true);
            this.again();
          }
        }
      },
      () => {
        this.again();
      },
    );
  }

  private again(): void {
    if (this.closed) return;
    this.retry = setTimeout(() => {
      this.listen();
    }, RETRY_MS);
    this.retry.unref();
  }
}
