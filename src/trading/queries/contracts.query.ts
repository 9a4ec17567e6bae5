// The cluster's contracts, read through the QueryBus. Trading keeps no table of its own:
// the contracts are the trading stream folded, so this reader loads the stream.
import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { Principal } from '../../auth/roles.decorator.js';
import { loadStream } from '../../event-store/command-handling.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { type Contract, contractsInOrder, tradingDecider, tradingStreamId } from '../domain/contracts.js';

/** The contracts in serving order; a member sees only those it sells or buys under. */
export class ListContracts extends Query<{ items: Contract[] }> {
  constructor(
    readonly clusterId: string,
    readonly principal: Principal,
  ) {
    super();
  }
}

@QueryHandler(ListContracts)
export class ListContractsHandler implements IQueryHandler<ListContracts> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ clusterId, principal }: ListContracts): Promise<{ items: Contract[] }> {
    const { state } = await loadStream(this.store, tradingStreamId(clusterId), tradingDecider);
    const visible = (c: Contract) => principal.role !== 'member' || c.sellerMemberId === principal.memberId || c.buyerMemberId === principal.memberId;
    return { items: contractsInOrder(state).filter(visible) };
  }
}
