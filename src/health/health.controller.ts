import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Pool } from 'pg';
import { PG_POOL } from '../core.module.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { Public } from '../auth/roles.decorator.js';

@ApiTags('service')
@Controller('health')
export class HealthController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool, private readonly runner: ProjectionRunner) {}

  @Get()
  @Public()
  @ApiOkResponse({ description: 'Database and event store reachable; the lag of each projection in events' })
  async health() {
    await this.pool.query('SELECT 1');
    const projections = await this.runner.status();
    return { status: 'ok', database: 'up', eventStore: 'up', projections: projections.map(({ name, version, lag }) => ({ name, version, lag })) };
  }
}
