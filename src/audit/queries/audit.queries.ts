// The audit's reads through the QueryBus: the export, the verification (with or without an
// anchor, and with the heads) and the replay of a month. AuditService (the reader beside
// this file) does the reading; the CLI and the portal call it directly.
import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import type { Anchor } from '../domain/anchor.js';
import type { ChainVerifier } from '../domain/verify-chain.js';
import { AuditService, type ReplayResult, type VerifyResult } from './audit.service.js';

/** The log in global order from a cursor (all of it, or the cluster's streams). */
export class ExportEvents extends Query<AsyncGenerator<RecordedEvent & { cursor: string }>> {
  constructor(
    readonly after: string | null,
    readonly limit: number,
    readonly clusterId?: string,
  ) {
    super();
  }
}

@QueryHandler(ExportEvents)
export class ExportEventsHandler implements IQueryHandler<ExportEvents> {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  execute({ after, limit, clusterId }: ExportEvents): Promise<AsyncGenerator<RecordedEvent & { cursor: string }>> {
    return Promise.resolve(this.audit.events(after, limit, clusterId));
  }
}

/** Every chain in scope recomputed; with an anchor, what changed since. */
export class VerifyChains extends Query<VerifyResult> {
  constructor(
    readonly clusterId?: string,
    readonly anchor?: Anchor,
  ) {
    super();
  }
}

@QueryHandler(VerifyChains)
export class VerifyChainsHandler implements IQueryHandler<VerifyChains> {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  execute({ clusterId, anchor }: VerifyChains): Promise<VerifyResult> {
    return this.audit.verify(clusterId, anchor);
  }
}

/** The verifier after the whole pass: its result and the stream heads (GET /audit/heads). */
export class ChainHeads extends Query<ChainVerifier> {
  constructor(readonly clusterId?: string) {
    super();
  }
}

@QueryHandler(ChainHeads)
export class ChainHeadsHandler implements IQueryHandler<ChainHeads> {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  execute({ clusterId }: ChainHeads): Promise<ChainVerifier> {
    return this.audit.verifyWithHeads(clusterId);
  }
}

/** The month replayed from the events alone and compared with the close and the live view. */
export class ReplayMonth extends Query<ReplayResult> {
  constructor(
    readonly clusterId: string,
    readonly month: string,
  ) {
    super();
  }
}

@QueryHandler(ReplayMonth)
export class ReplayMonthHandler implements IQueryHandler<ReplayMonth> {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  execute({ clusterId, month }: ReplayMonth): Promise<ReplayResult> {
    return this.audit.replay(clusterId, month);
  }
}
