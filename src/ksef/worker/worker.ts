// The outbox worker, in the service's process: woken by new events and by a timer, it runs
// a pass for each connected cluster, one cluster at a time, under a PostgreSQL advisory
// lock per cluster held on its own connection, so two instances never send for the same
// cluster at once (a killed instance's lock goes with its connection).
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { CONFIG, LOGGER, PG_POOL } from '../../core.module.js';
import type { AppConfig } from '../../config/config.js';
import { runWithContext } from '../../common/request-context.js';
import { EVENT_STORE, type EventStore, type Subscription } from '../../event-store/event-store.port.js';
import { InvoiceDocuments } from '../../invoicing/queries/documents.reader.js';
import { isFa3Document, renderFa3 } from '../../invoicing/domain/fa3/render.js';
import { KsefClient } from '../client/ksef-client.js';
import { KSEF_API_URL, type KsefEnvironment } from '../domain/environments.js';
import { KsefSender, type PassReport } from './sender.js';
import { KsefCommands } from '../commands/ksef-commands.js';

@Injectable()
export class KsefWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly sender: KsefSender;
  private timer: NodeJS.Timeout | null = null;
  private watch: Subscription | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    @Inject(CONFIG) private readonly config: AppConfig,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(InvoiceDocuments) invoicing: InvoiceDocuments,
    @Inject(KsefCommands) commands: KsefCommands,
  ) {
    this.sender = new KsefSender({
      store,
      documents: (clusterId) => invoicing.documents(clusterId),
      renderer: { render: renderFa3, isFa3: isFa3Document },
      secrets: commands.secrets,
      client: (environment: KsefEnvironment) => new KsefClient({ baseUrl: config.ksef.apiUrlOverride ?? KSEF_API_URL[environment], timeoutMs: config.ksef.timeoutMs }),
    });
  }

  onApplicationBootstrap() {
    if (!this.config.ksef.worker) return;
    this.timer = setInterval(() => {
      this.wake();
    }, this.config.ksef.pollMs);
    this.timer.unref();
    // new events (an issued month, a coordinator's retry) start a round; the timer covers retries that fall due
    this.watch = this.store.watch(() => {
      this.wake();
    });
    this.wake();
  }

  /** Starts a round now, or right after the one running. */
  wake() {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.round()
      .then(() => undefined)
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          setTimeout(() => {
            this.wake();
          }, 1000).unref();
        }
      });
  }

  /** One round over every connected cluster; what each pass did, by cluster (a cluster another instance holds is left out). */
  async round(): Promise<Record<string, PassReport>> {
    const reports: Record<string, PassReport> = {};
    let clusters: string[];
    try {
      clusters = (await this.pool.query<{ cluster_id: string }>('SELECT cluster_id FROM ksef_connections WHERE connected ORDER BY cluster_id')).rows.map((r) => r.cluster_id);
    } catch (error) {
      this.logger.error({ err: error }, 'KSeF outbox: cannot list the connected clusters');
      return reports;
    }
    for (const clusterId of clusters) {
      if (this.stopped) break;
      const report = await this.passWithLock(clusterId);
      if (report) reports[clusterId] = report;
    }
    return reports;
  }

  async passWithLock(clusterId: string): Promise<PassReport | null> {
    const client = await this.pool.connect();
    let locked = false;
    try {
      locked = (await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtextextended('ksef-outbox:' || $1, 0)) AS locked", [clusterId])).rows[0]?.locked === true;
      if (!locked) return null;
      const report = await runWithContext({ correlationId: randomUUID(), actor: { tokenId: null, role: 'ksef-outbox' } }, () => this.sender.pass(clusterId));
      if (report.failed) this.logger.warn({ clusterId, report }, 'KSeF outbox: the pass stopped; the documents wait for the next one');
      else if (report.queued + report.sent + report.accepted + report.refused > 0) this.logger.info({ clusterId, report }, 'KSeF outbox pass');
      return report;
    } catch (error) {
      this.logger.error({ err: error, clusterId }, 'KSeF outbox: the pass failed');
      return null;
    } finally {
      if (locked) await client.query("SELECT pg_advisory_unlock(hashtextextended('ksef-outbox:' || $1, 0))", [clusterId]).catch(() => undefined);
      client.release();
    }
  }

  async beforeApplicationShutdown() {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.watch?.close();
    // a pass cut short is taken up by the next start, as after a crash
    if (this.running) await Promise.race([this.running, new Promise((r) => setTimeout(r, 5000).unref())]);
  }
}
