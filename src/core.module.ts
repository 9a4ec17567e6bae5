// The shared infrastructure every capability injects: configuration, the pool,
// the logger, the event store and the projection runner.
import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from './config/config.js';
import type { Database } from './database/database.js';
import { EVENT_STORE, type EventStore } from './event-store/event-store.port.js';
import { ProjectionRunner } from './projections/projection-runner.js';
import { recordingEventStore } from './event-store/recording-event-store.js';
import { PG_POOL } from './database/pool.js';

// the pool's token is the database's; named here too for the modules that inject it from here
export { PG_POOL };

export const CONFIG = Symbol('CONFIG');
export const LOGGER = Symbol('LOGGER');

export interface CoreDependencies {
  config: AppConfig;
  database: Database;
  logger: Logger;
  eventStore: EventStore;
}

@Global()
@Module({})
export class CoreModule {
  static forRoot(deps: CoreDependencies): DynamicModule {
    const runner = new ProjectionRunner(deps.database.pool, deps.eventStore, deps.logger, deps.config.projectionBatchSize);
    return {
      module: CoreModule,
      providers: [
        { provide: CONFIG, useValue: deps.config },
        { provide: PG_POOL, useValue: deps.database.pool },
        { provide: LOGGER, useValue: deps.logger },
        // appends are noted per request: an answer after them is 2xx (see common/recorded-answer.ts)
        { provide: EVENT_STORE, useValue: recordingEventStore(deps.eventStore) },
        { provide: ProjectionRunner, useValue: runner },
      ],
      exports: [CONFIG, PG_POOL, LOGGER, EVENT_STORE, ProjectionRunner],
    };
  }
}
