// Feeds every projection from the event store's ordered read of all events.
// Each batch: the read-model writes and the new checkpoint commit in one transaction
// (exactly once), under an advisory lock so one instance at a time runs a projection.
import type pg from 'pg';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../database/unavailable.js';
import type { EventStore, RecordedEvent, Subscription } from '../event-store/event-store.port.js';
import type { Projection } from './projection.js';

const PROJECTION_LOCK_SPACE = 7_274_002;
/** Retries of a failed projection: 1 s, 2 s, 4 s ... at most a minute apart (bounded log noise). */
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 60_000;

/** Where and why a projection stopped; it stays there, retried with backoff, until it applies. */
export interface ProjectionFailure {
  /** The event it cannot apply (its checkpoint is the event before). */
  event: { globalPosition: string; streamId: string; streamPosition: number; type: string } | null;
  /** The database's or the projection's message, without SQL, parameters or details. */
  error: string;
  code: string | null;
  since: string;
  attempts: number;
  nextRetryAt: string;
}

export interface ProjectionStatus {
  name: string;
  version: number;
  position: string | null;
  lag: number;
  status: 'running' | 'failed';
  failure?: ProjectionFailure;
}

/** A projection that had not applied a command's events when it answered. */
export interface LaggingProjection {
  name: string;
  /** Its checkpoint: the cursor of the last event it applied (null: none). */
  position: string | null;
  failed: boolean;
}

export interface ReadModelWait {
  status: 'current' | 'lagging';
  projections: LaggingProjection[];
}

/** A message fit for /health: the first line, no connection strings or key=value secrets, bounded. */
export function publicErrorMessage(error: unknown): string {
  // split gives at least one part: the default never applies
  const [message = ''] = String((error as { message?: unknown } | null | undefined)?.message ?? error).split('\n');
  return (
    message
      .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s]+/gi, '[url]')
      .replace(/\b(password|passwd|pwd|secret|token)\s*[=:]\s*\S+/gi, '$1=[hidden]')
      // a value quoted after a colon (invalid input syntax for type uuid: "...") is data, not the reason
      .replace(/:\s*"[^"]*"/g, ': [value]')
      .slice(0, 300)
  );
}

export class ProjectionRunner {
  private readonly projections = new Map<string, Projection>();
  private chain: Promise<unknown> = Promise.resolve();
  private watcher?: Subscription;
  private stopped = false;
  private readonly failures = new Map<string, ProjectionFailure>();
  private retryTimer?: NodeJS.Timeout;
  private databaseLost = false;
  /** Told which projections lag when a wait ends before they applied the events (app.ts: the request's answer becomes 202). */
  onLag?: (projections: LaggingProjection[]) => void;

  constructor(
    private readonly pool: pg.Pool,
    private readonly store: EventStore,
    private readonly logger: Logger,
    private readonly batchSize = 2000,
  ) {}

  register(projection: Projection): void {
    if (this.projections.has(projection.name)) throw new Error(`projection ${projection.name} registered twice`);
    this.projections.set(projection.name, projection);
  }

  list(): Projection[] {
    return [...this.projections.values()];
  }

  /** Prepares checkpoints (rebuilding projections whose version changed) and follows the log. */
  async start(follow = true): Promise<void> {
    for (const projection of this.projections.values()) await this.prepare(projection);
    if (follow) {
      this.watcher = this.store.watch(
        () =>
          void this.catchUp().catch((error: unknown) => {
            this.catchUpFailed(error);
          }),
      );
    }
    await this.catchUp();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.watcher?.close();
    await this.chain.catch(() => undefined);
  }

  /** A lost database is said once per outage, not at every poll; anything else every time. */
  private catchUpFailed(error: unknown): void {
    if (!isDatabaseUnavailable(error)) {
      this.logger.error({ err: error }, 'projection catch-up failed');
    } else if (!this.databaseLost) {
      this.databaseLost = true;
      this.logger.warn({ err: error }, 'the database is unavailable: projections wait for it');
    }
  }

  /** Runs every projection to the end of the log. Calls are serialised within the process. */
  catchUp(): Promise<void> {
    const run = this.chain.then(async () => {
      while (!this.stopped && (await this.runBatch()) === 'applied');
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Waits, at most timeoutMs, until every projection has applied the event at this cursor
   * (read-your-writes for commands). It never throws for a projection that lags: it says
   * which lag (and tells onLag, which makes the request's answer 202); a failed
   * projection is not waited for.
   */
  async waitFor(cursor: string, timeoutMs = 10_000): Promise<ReadModelWait> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.catchUp();
      const statuses = await this.checkpoints();
      const behind = [...this.projections.keys()].filter((name) => !this.store.isAtOrAfter(statuses.get(name) ?? null, cursor));
      if (behind.length === 0) return { status: 'current', projections: [] };
      if (behind.every((name) => this.failures.has(name)) || Date.now() > deadline) {
        const projections = behind.map((name) => ({ name, position: statuses.get(name) ?? null, failed: this.failures.has(name) }));
        // a failed projection is reported by /health and its retries; a slow one is news
        const level = projections.every((p) => p.failed) ? 'debug' : 'warn';
        this.logger[level]({ cursor, projections }, 'answering before the read models applied the events');
        this.onLag?.(projections);
        return { status: 'lagging', projections };
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The projections that failed, by name. */
  failed(): Map<string, ProjectionFailure> {
    return new Map(this.failures);
  }

  /** Retries the failed projections now instead of at their next backoff time. */
  async retryFailed(): Promise<void> {
    for (const failure of this.failures.values()) failure.nextRetryAt = new Date(0).toISOString();
    await this.catchUp();
  }

  async rebuild(name: string): Promise<void> {
    const projection = this.projections.get(name);
    if (!projection) throw new Error(`unknown projection "${name}"; known: ${[...this.projections.keys()].join(', ')}`);
    await this.reset(projection);
    this.failures.delete(name);
    await this.catchUp();
  }

  async status(): Promise<ProjectionStatus[]> {
    const checkpoints = await this.checkpoints();
    const result: ProjectionStatus[] = [];
    for (const projection of this.projections.values()) {
      const position = checkpoints.get(projection.name) ?? null;
      const failure = this.failures.get(projection.name);
      result.push({
        name: projection.name,
        version: projection.version,
        position,
        lag: await this.store.countAfter(position),
        status: failure ? 'failed' : 'running',
        ...(failure ? { failure: { ...failure } } : {}),
      });
    }
    return result;
  }

  private async checkpoints(): Promise<Map<string, string | null>> {
    const { rows } = await this.pool.query<{ name: string; position: string | null }>('SELECT name, position FROM projection_checkpoints');
    return new Map(rows.map((r) => [r.name, r.position]));
  }

  private async prepare(projection: Projection): Promise<void> {
    const { rows } = await this.pool.query<{ version: number }>('SELECT version FROM projection_checkpoints WHERE name = $1', [projection.name]);
    const [stored] = rows;
    if (!stored) {
      await this.pool.query('INSERT INTO projection_checkpoints (name, version, position) VALUES ($1, $2, NULL) ON CONFLICT (name) DO NOTHING', [projection.name, projection.version]);
    } else if (stored.version !== projection.version) {
      this.logger.info({ projection: projection.name, from: stored.version, to: projection.version }, 'projection version changed: rebuilding');
      await this.reset(projection);
    }
  }

  private async reset(projection: Projection): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [PROJECTION_LOCK_SPACE, projection.name]);
      for (const table of projection.tables) await client.query(`TRUNCATE ${table}`);
      await client.query(
        `INSERT INTO projection_checkpoints (name, version, position, updated_at) VALUES ($1, $2, NULL, now())
         ON CONFLICT (name) DO UPDATE SET version = $2, position = NULL, updated_at = now()`,
        [projection.name, projection.version],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Projections to run now: all but the failed ones whose next retry is not due. */
  private due(now = Date.now()): string[] {
    return [...this.projections.keys()].filter((name) => {
      const failure = this.failures.get(name);
      return !failure || Date.parse(failure.nextRetryAt) <= now;
    });
  }

  private scheduleRetry(): void {
    clearTimeout(this.retryTimer);
    if (this.stopped || this.failures.size === 0) return;
    const next = Math.min(...[...this.failures.values()].map((f) => Date.parse(f.nextRetryAt)));
    this.retryTimer = setTimeout(
      () =>
        void this.catchUp().catch((error: unknown) => {
          this.catchUpFailed(error);
        }),
      Math.max(0, next - Date.now()),
    );
    this.retryTimer.unref();
  }

  private recordFailure(name: string, error: unknown, event: RecordedEvent | null): void {
    const previous = this.failures.get(name);
    const attempts = (previous?.attempts ?? 0) + 1;
    const delayMs = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (attempts - 1));
    const failure: ProjectionFailure = {
      event: event ? { globalPosition: event.globalPosition, streamId: event.streamId, streamPosition: event.streamPosition, type: event.type } : null,
      error: publicErrorMessage(error),
      code: typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : null,
      since: previous?.since ?? new Date().toISOString(),
      attempts,
      nextRetryAt: new Date(Date.now() + delayMs).toISOString(),
    };
    this.failures.set(name, failure);
    // the whole error (detail, SQL position) goes to the log once; retries say less
    if (!previous) this.logger.error({ err: error, projection: name, event: failure.event }, 'projection failed; it stays before this event and is retried with backoff');
    else this.logger.warn({ projection: name, attempts, nextRetryAt: failure.nextRetryAt, error: failure.error }, 'projection still failing');
  }

  /**
   * A failed batch again event by event, each behind its own savepoint, so the projection
   * moves up to the event it cannot apply and that event is known. Returns the checkpoint
   * to keep and the failing event.
   */
  private async locateFailure(
    client: pg.PoolClient,
    projection: Projection,
    unseen: RecordedEvent[],
    position: string | null,
  ): Promise<{ checkpoint: string | null; event: RecordedEvent | null; error: unknown }> {
    let checkpoint = position;
    for (const event of unseen) {
      if (projection.eventTypes.includes(event.type)) {
        await client.query('SAVEPOINT projection_event');
        try {
          await projection.apply(client, [event]);
          await client.query('RELEASE SAVEPOINT projection_event');
        } catch (error) {
          await client.query('ROLLBACK TO SAVEPOINT projection_event');
          return { checkpoint, event, error };
        }
      }
      checkpoint = event.globalPosition;
    }
    return { checkpoint, event: null, error: undefined };
  }

  /**
   * One batch of the log, read once for every due projection this process can lock
   * (another instance may hold some): each applies the events after its own checkpoint,
   * in one transaction, each behind a savepoint so that a failing projection stays where
   * it was while the others move on. A projection that fails is moved up to the event it
   * cannot apply, reported (status(), /health) and retried with backoff; it never stops
   * the others, the start or a command. Only a database that is gone is thrown.
   */
  private async runBatch(): Promise<'applied' | 'idle' | 'busy'> {
    const names = this.due();
    if (names.length === 0) return 'idle';
    const client = await this.pool.connect();
    let changed = false;
    try {
      // A read model is derived: its commit need not wait for the disk. A crash loses the
      // last batches and their checkpoint together, and they are applied again.
      await client.query('BEGIN; SET LOCAL synchronous_commit = off');
      const { rows } = await client.query<{ name: string; position: string | null }>(
        // OFFSET 0 keeps the filter on names inside: only our projections are locked
        `SELECT name, position FROM (SELECT name, position FROM projection_checkpoints WHERE name = ANY($2) ORDER BY name OFFSET 0) ours
          WHERE pg_try_advisory_xact_lock($1, hashtext(name))`,
        [PROJECTION_LOCK_SPACE, names],
      );
      const [first] = rows;
      if (!first) {
        await client.query('ROLLBACK');
        return 'busy';
      }
      const from = rows.reduce<string | null>((earliest, r) => (this.store.isAtOrAfter(r.position, earliest) ? earliest : r.position), first.position);
      const { events, cursor } = await this.store.readAll(from, this.batchSize);
      if (events.length === 0) {
        await client.query('ROLLBACK');
        return 'idle';
      }
      const recovered: string[] = [];
      let progressed = false;
      for (const { name, position } of rows) {
        if (position !== null && this.store.isAtOrAfter(position, cursor)) continue; // ahead of this batch
        const projection = this.projections.get(name);
        if (!projection) throw new Error(`projection ${name} is not registered here`);
        const unseen = position === from ? events : events.filter((e) => !this.store.isAtOrAfter(position, e.globalPosition));
        const relevant = unseen.filter((e) => projection.eventTypes.includes(e.type));
        await client.query('SAVEPOINT projection');
        try {
          if (relevant.length > 0) await projection.apply(client, relevant);
          await client.query('UPDATE projection_checkpoints SET position = $2, updated_at = now() WHERE name = $1', [name, cursor]);
          await client.query('RELEASE SAVEPOINT projection');
          progressed = true;
          if (this.failures.has(name)) recovered.push(name);
        } catch (error) {
          if (isDatabaseUnavailable(error)) throw error;
          await client.query('ROLLBACK TO SAVEPOINT projection');
          const located = await this.locateFailure(client, projection, unseen, position);
          if (located.checkpoint !== position) {
            await client.query('UPDATE projection_checkpoints SET position = $2, updated_at = now() WHERE name = $1', [name, located.checkpoint]);
            progressed = true;
          }
          // a batch that failed whole but applies event by event (a transient error) is simply done
          if (located.event) this.recordFailure(name, located.error, located.event);
          else if (this.failures.has(name)) recovered.push(name);
          if (!located.event && located.checkpoint === position) this.recordFailure(name, error, null);
        }
      }
      await client.query('COMMIT');
      if (this.databaseLost) {
        this.databaseLost = false;
        this.logger.info('the database is back: projections resume');
      }
      for (const name of recovered) {
        this.failures.delete(name);
        this.logger.info({ projection: name }, 'projection recovered');
      }
      changed = true;
      return progressed ? 'applied' : 'idle';
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
      if (changed) this.scheduleRetry();
    }
  }
}
