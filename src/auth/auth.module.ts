// Access: the bearer tokens (issued, listed, revoked) and the guard every route passes.
// The guard and the decorators (auth.guard.ts, roles.decorator.ts, principal.decorator.ts)
// stay at the module's root: Nest registers the guard app-wide here, and every module's
// controllers use the decorators.
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Pool } from 'pg';
import { PG_POOL } from '../database/pool.js';
import { AuthGuard } from './auth.guard.js';
import { IssueTokenHandler, RevokeTokenHandler } from './commands/token.commands.js';
import { TokensController } from './http/tokens.controller.js';
import { TokenRepository } from './queries/tokens.js';
import { ListTokensHandler } from './queries/tokens.query.js';

@Module({
  controllers: [TokensController],
  providers: [
    { provide: TokenRepository, useFactory: (pool: Pool) => new TokenRepository(pool), inject: [PG_POOL] },
    { provide: APP_GUARD, useClass: AuthGuard },
    IssueTokenHandler,
    RevokeTokenHandler,
    ListTokensHandler,
  ],
  exports: [TokenRepository],
})
export class AuthModule {}
