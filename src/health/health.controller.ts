import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Pool } from 'pg';
import { PG_POOL } from '../database/pool.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { Public } from '../auth/roles.decorator.js';
import { HealthDto } from './health.responses.js';

/** How long /health waits for the database before it says it is down. */
const DATABASE_CHECK_MS = 2000;

@ApiTags('service')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly runner: ProjectionRunner,
  ) {}

  @Get()
  @Public()
  @ApiOkResponse({ type: HealthDto, description: 'Database and event store reachable, every projection running; the lag of each projection in events' })
  @ApiServiceUnavailableResponse({ type: HealthDto, description: '`database: "down"`, or a projection failed: its name, the event it stopped before and the error' })
  async health(@Res({ passthrough: true }) response: Response) {
    if (!(await this.databaseUp())) {
      response.status(503);
      return { status: 'down', database: 'down', eventStore: 'unknown', projections: [] };
    }
    let projections;
    try {
      projections = await this.runner.status();
    } catch {
      response.status(503);
      return { status: 'down', database: 'down', eventStore: 'unknown', projections: [] };
    }
    const failed = projections.filter((p) => p.status === 'failed');
    if (failed.length > 0) response.status(503);
    return {
      status: failed.length > 0 ? 'degraded' : 'ok',
      database: 'up',
      eventStore: 'up',
      projections: projections.map(({ name, version, lag, status, position, failure }) => ({
        name,
        version,
        lag,
        status,
        position,
        ...(failure
          ? {
              failure: {
                // the event it cannot apply; its checkpoint (position) is the event before
                eventPosition: failure.event?.globalPosition ?? null,
                streamId: failure.event?.streamId ?? null,
                streamPosition: failure.event?.streamPosition ?? null,
                eventType: failure.event?.type ?? null,
                error: failure.error,
                code: failure.code,
                since: failure.since,
                attempts: failure.attempts,
                nextRetryAt: failure.nextRetryAt,
              },
            }
          : {}),
      })),
    };
  }

  private async databaseUp(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error('timeout'));
        }, DATABASE_CHECK_MS);
      });
      await Promise.race([this.pool.query('SELECT 1'), timeout]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
