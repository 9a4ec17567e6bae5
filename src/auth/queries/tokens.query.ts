// The tokens in scope, without their secrets, through the QueryBus.
import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { Principal } from '../roles.decorator.js';
import { type TokenRecord, TokenRepository } from './tokens.js';

/** Every token for an admin; a coordinator's cluster's tokens otherwise. */
export class ListTokens extends Query<{ items: TokenRecord[] }> {
  constructor(readonly principal: Principal) {
    super();
  }
}

@QueryHandler(ListTokens)
export class ListTokensHandler implements IQueryHandler<ListTokens> {
  constructor(@Inject(TokenRepository) private readonly tokens: TokenRepository) {}

  async execute({ principal }: ListTokens): Promise<{ items: TokenRecord[] }> {
    const items = await this.tokens.list(principal.role === 'admin' ? undefined : (principal.clusterId ?? undefined));
    return { items };
  }
}
