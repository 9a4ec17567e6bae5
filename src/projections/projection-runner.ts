// Feeds every projection from the event store's ordered read of all events.
// Each batch: the read-model writes and the new checkpoint commit in one transaction
// (exactly once), under an advisory lock so one instance at a time runs a projection.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { EventStore, Subscription } from '../event-store/event-store.port.js';
import type { Projection } from './projection.js';

const PROJECTION_LOCK_SPACE = 7_274_002;

export interface ProjectionStatus {
  name: string;
  version: number;
  position: string | null;
  lag: number;
}

export class ProjectionRunner {
  private readonly projections = new Map<string, Projection>();
  private chain: Promise<unknown> = Promise.resolve();
  private watcher?: Subscription;
  private stopped = false;

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
      this.watcher = this.store.watch(() => void this.catchUp().catch((error) => this.logger.error({ err: error }, 'projection catch-up failed')));
    }
    await this.catchUp();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.watcher?.close();
    await this.chain.catch(() => undefined);
  }

  /** Runs every projection to the end of the log. Calls are serialised within the process. */
  catchUp(): Promise<void> {
    const run = this.chain.then(async () => {
      while (!this.stopped && (await this.runBatch()) === 'applied');
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Waits until every projection has applied the event at this cursor (read-your-writes for commands). */
  async waitFor(cursor: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.catchUp();
      const statuses = await this.checkpoints();
      if ([...this.projections.keys()].every((name) => this.store.isAtOrAfter(statuses.get(name) ?? null, cursor))) return;
      if (Date.now() > deadline) throw new Error(`projections did not reach ${cursor} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async rebuild(name: string): Promise<void> {
    const projection = this.projections.get(name);
    if (!projection) throw new Error(`unknown projection "${name}"; known: ${[...this.projections.keys()].join(', ')}`);
    await this.reset(projection);
    await this.catchUp();
  }

  async status(): Promise<ProjectionStatus[]> {
    const checkpoints = await this.checkpoints();
    const result: ProjectionStatus[] = [];
    for (const projection of this.projections.values()) {
      const position = checkpoints.get(projection.name) ?? null;
      result.push({ name: projection.name, version: projection.version, position, lag: await this.store.countAfter(position) });
    }
    return result;
  }

  private async checkpoints(): Promise<Map<string, string | null>> {
    const { rows } = await this.pool.query<{ name: string; position: string | null }>('SELECT name, position FROM projection_checkpoints');
    return new Map(rows.map((r) => [r.name, r.position]));
  }

  private async prepare(projection: Projection): Promise<void> {
    const { rows } = await this.pool.query<{ version: number }>('SELECT version FROM projection_checkpoints WHERE name = $1', [projection.name]);
    if (rows.length === 0) {
      await this.pool.query('INSERT INTO projection_checkpoints (name, version, position) VALUES ($1, $2, NULL) ON CONFLICT (name) DO NOTHING', [projection.name, projection.version]);
    } else if (rows[0].version !== projection.version) {
      this.logger.info({ projection: projection.name, from: rows[0].version, to: projection.version }, 'projection version changed: rebuilding');
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

  /**
   * One batch of the log, read once for every projection this process can lock (another
   * instance may hold some): each applies the events after its own checkpoint, in one
   * transaction, each behind a savepoint so that a failing projection stays where it was
   * while the others move on; the failure is thrown after the commit.
   */
  private async runBatch(): Promise<'applied' | 'idle' | 'busy'> {
    const client = await this.pool.connect();
    try {
      // A read model is derived: its commit need not wait for the disk. A crash loses the
      // last batches and their checkpoint together, and they are applied again.
      await client.query('BEGIN; SET LOCAL synchronous_commit = off');
      const { rows } = await client.query<{ name: string; position: string | null }>(
        // OFFSET 0 keeps the filter on names inside: only our projections are locked
        `SELECT name, position FROM (SELECT name, position FROM projection_checkpoints WHERE name = ANY($2) ORDER BY name OFFSET 0) ours
          WHERE pg_try_advisory_xact_lock($1, hashtext(name))`,
        [PROJECTION_LOCK_SPACE, [...this.projections.keys()]],
      );
      if (rows.length === 0) {
        await client.query('ROLLBACK');
        return 'busy';
      }
      const from = rows.reduce<string | null>((earliest, r) => (this.store.isAtOrAfter(r.position, earliest) ? earliest : r.position), rows[0].position);
      const { events, cursor } = await this.store.readAll(from, this.batchSize);
      if (events.length === 0) {
        await client.query('ROLLBACK');
        return 'idle';
      }
      let failure: unknown;
      for (const { name, position } of rows) {
        if (position !== null && this.store.isAtOrAfter(position, cursor)) continue; // ahead of this batch
        const projection = this.projections.get(name)!;
        const unseen = position === from ? events : events.filter((e) => !this.store.isAtOrAfter(position, e.globalPosition));
        const relevant = unseen.filter((e) => projection.eventTypes.includes(e.type));
        await client.query('SAVEPOINT projection');
        try {
          if (relevant.length > 0) await projection.apply(client, relevant);
          await client.query('UPDATE projection_checkpoints SET position = $2, updated_at = now() WHERE name = $1', [name, cursor]);
          await client.query('RELEASE SAVEPOINT projection');
        } catch (error) {
          await client.query('ROLLBACK TO SAVEPOINT projection');
          this.logger.error({ err: error, projection: name }, 'projection failed on a batch; it stays at its checkpoint');
          failure ??= error;
        }
      }
      await client.query('COMMIT');
      if (failure) throw failure;
      return 'applied';
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
