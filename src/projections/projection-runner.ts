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
      for (const projection of this.projections.values()) {
        while (!this.stopped && (await this.runBatch(projection)) === 'applied');
      }
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

  private async runBatch(projection: Projection): Promise<'applied' | 'idle' | 'busy'> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const lock = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS locked', [PROJECTION_LOCK_SPACE, projection.name]);
      if (!lock.rows[0].locked) {
        await client.query('ROLLBACK');
        return 'busy';
      }
      const checkpoint = await client.query<{ position: string | null }>('SELECT position FROM projection_checkpoints WHERE name = $1', [projection.name]);
      const position = checkpoint.rows[0]?.position ?? null;
      const { events, cursor } = await this.store.readAll(position, this.batchSize);
      if (events.length === 0) {
        await client.query('ROLLBACK');
        return 'idle';
      }
      const relevant = events.filter((e) => projection.eventTypes.includes(e.type));
      if (relevant.length > 0) await projection.apply(client, relevant);
      await client.query('UPDATE projection_checkpoints SET position = $2, updated_at = now() WHERE name = $1', [projection.name, cursor]);
      await client.query('COMMIT');
      return 'applied';
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
