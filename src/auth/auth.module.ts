import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Pool } from 'pg';
import { PG_POOL } from '../core.module.js';
import { AuthGuard } from './auth.guard.js';
import { TokenRepository } from './tokens.js';
import { TokensController } from './tokens.controller.js';

@Module({
  controllers: [TokensController],
  providers: [
    { provide: TokenRepository, useFactory: (pool: Pool) => new TokenRepository(pool), inject: [PG_POOL] },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokenRepository],
})
export class AuthModule {}
