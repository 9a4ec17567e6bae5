// Builds the whole service from a configuration: database (embedded or external),
// event store, Nest application with validation, problem+json, OpenAPI, security headers.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { BEARER_SCHEME } from './common/openapi.js';
import express from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { TokenRepository } from './auth/queries/tokens.js';
import type { AppConfig } from './config/config.js';
import { createLogger, PinoNestLogger } from './common/logger.js';
import { flattenValidationErrors, problem, ProblemException } from './common/problem.js';
import { ProblemFilter } from './problem-filter.js';
import { noteReadModelLag, runWithContext } from './common/request-context.js';
import { RecordedAnswerInterceptor } from './common/recorded-answer.js';
import { TextPipe } from './common/text.js';
import { type Database, openDatabase } from './database/database.js';
import type { EventStore } from './event-store/event-store.port.js';
import { PostgresEventStore } from './event-store/postgres/postgres-event-store.js';
import { KurrentDbEventStore } from './event-store/kurrentdb/kurrentdb-event-store.js';
import { redactConnectionString } from './event-store/kurrentdb/mapping.js';
import { ProjectionRunner } from './projections/projection-runner.js';

export interface RunningService {
  app: NestExpressApplication;
  database: Database;
  eventStore: EventStore;
  logger: Logger;
  close(): Promise<void>;
}

export const JSON_BODY_LIMIT = '1mb';
export const READINGS_BODY_LIMIT = '32mb';

export async function createEventStore(config: AppConfig, database: Database): Promise<EventStore> {
  if (config.eventStore === 'kurrentdb') {
    // Fail at start, not at the first request: a short read of $all with a deadline.
    const url = config.kurrentDbUrl;
    if (url === undefined) throw new Error('EVENT_STORE=kurrentdb needs KURRENTDB_URL');
    let store: KurrentDbEventStore | undefined;
    try {
      store = new KurrentDbEventStore(url, { pollMs: config.projectionPollMs });
      await store.checkReachable(5000);
      return store;
    } catch (error) {
      await store?.dispose().catch(() => undefined);
      throw new Error(`KURRENTDB_URL (${redactConnectionString(url)}) is unreachable: ${(error as Error).message}. Start KurrentDB or set EVENT_STORE=postgres.`, { cause: error });
    }
  }
  return new PostgresEventStore(database.pool, { pollMs: config.projectionPollMs });
}

export function configureApp(app: INestApplication, config: AppConfig, logger: Logger): void {
  const express_ = app as NestExpressApplication;
  express_.disable('x-powered-by');
  // behind a TLS proxy (TRUST_PROXY): req.ip is the client's (the rate limit's key) and
  // req.secure follows X-Forwarded-Proto (the portal's cookies are Secure)
  express_.set('trust proxy', config.trustProxy);
  app.use(helmet({ contentSecurityPolicy: false }));
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) => {
    const header = req.header('x-correlation-id');
    const correlationId = header && /^[A-Za-z0-9._:-]{1,100}$/.test(header) ? header : randomUUID();
    res.setHeader('x-correlation-id', correlationId);
    runWithContext({ correlationId, actor: { tokenId: null, role: 'anonymous' } }, () => {
      next();
    });
  });
  // Per client address; generous for people, a brake on scripts gone wrong.
  app.use(
    rateLimit({
      windowMs: 60_000,
      limit: config.rateLimitPerMinute,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      handler: (_req, res) => {
        res
          .status(429)
          .type('application/problem+json')
          .send(JSON.stringify(problem(429, 'Too many requests; slow down and retry after a minute')));
      },
    }),
  );
  // Readings come in large batches; everything else is small.
  app.use('/clusters/:clusterId/readings', express.json({ limit: READINGS_BODY_LIMIT }));
  app.use(express.json({ limit: JSON_BODY_LIMIT }));
  app.use('/portal', express.urlencoded({ extended: false, limit: '16kb' }));
  if (config.corsOrigins.length > 0) app.enableCors({ origin: config.corsOrigins });
  app.useGlobalPipes(
    // first: no text a read model cannot store reaches validation, let alone the log
    new TextPipe(),
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => ProblemException.validation(flattenValidationErrors(errors)),
    }),
  );
  app.useGlobalFilters(new ProblemFilter(logger));
  app.useGlobalInterceptors(new RecordedAnswerInterceptor());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Klaster Ledger')
      .setDescription('Settlement of Polish energy clusters: registry, metering, allocation, month close, invoices, audit')
      .setVersion('0.1.0')
      .addBearerAuth(BEARER_SCHEME)
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

export async function createService(config: AppConfig, logger = createLogger(config.logLevel)): Promise<RunningService> {
  const database = await openDatabase(config, logger);
  try {
    const eventStore = await createEventStore(config, database);
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Nest types its options as a class; a plain object is how Nest's own docs pass them
    const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, database, logger, eventStore }), {
      logger: new PinoNestLogger(logger),
      bodyParser: false,
    });
    configureApp(app, config, logger);
    await app.init();
    const runner = app.get(ProjectionRunner);
    runner.onLag = noteReadModelLag; // a command answered before its read models: 202 (common/recorded-answer.ts)
    await runner.start();
    const admin = await app.get(TokenRepository).ensureAdmin(config.adminToken);
    if (admin.token) {
      logger.warn({ adminToken: admin.token }, `FIRST ADMIN TOKEN (shown once, store it now): ${admin.token}`);
    }
    let closed = false;
    return {
      app,
      database,
      eventStore,
      logger,
      async close() {
        if (closed) return;
        closed = true;
        await runner.stop();
        await app.close();
        if (eventStore instanceof KurrentDbEventStore) await eventStore.dispose();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
