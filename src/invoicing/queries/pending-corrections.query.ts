// Which members' documents of a month no longer match the data: per member and side, what
// the latest document says, what the statement says now, and the difference.
import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { canonicalJson } from '../../shared/canonical-json.js';
import { DomainError } from '../../shared/domain-error.js';
import { linesOf, originalKind } from '../domain/documents.js';
import { InvoiceDocuments } from './documents.reader.js';
import { MonthInputsReader } from './month-inputs.reader.js';

export interface PendingCorrection {
  memberId: string;
  /** The latest document of the side (the original or its last correction); null when its original is due. */
  document: string | null;
  originalNetGrosze: number;
  recomputedNetGrosze: number;
  differenceNetGrosze: number;
}

export class PendingCorrections extends Query<{ month: string; pending: PendingCorrection[] }> {
  constructor(
    readonly clusterId: string,
    readonly month: string,
  ) {
    super();
  }
}

@QueryHandler(PendingCorrections)
export class PendingCorrectionsHandler implements IQueryHandler<PendingCorrections> {
  constructor(
    @Inject(InvoiceDocuments) private readonly documents: InvoiceDocuments,
    @Inject(MonthInputsReader) private readonly inputs: MonthInputsReader,
  ) {}

  async execute({ clusterId, month }: PendingCorrections): Promise<{ month: string; pending: PendingCorrection[] }> {
    const { state, agreement } = await this.inputs.closedMonth(clusterId, month);
    const documents = (await this.documents.documents(clusterId)).filter((d) => d.month === month);
    if (documents.length === 0) throw DomainError.conflict(`no documents were issued for ${month} yet`);
    const now = await this.inputs.currentStatements(clusterId, month);
    const names = (id: string) => state.members[id]?.legalName ?? id;
    // the latest document of each member's side: the original or its last correction (the one a correction would correct)
    const latestOf = new Map<string, (typeof documents)[number]>();
    for (const d of documents) latestOf.set(`${d.memberId}|${originalKind(d) === 'invoice' ? 'buying' : 'supplying'}`, d);
    const pending: PendingCorrection[] = [];
    for (const statement of now) {
      const { bought, sold } = linesOf(statement, agreement, names);
      for (const [side, lines] of [
        ['buying', bought],
        ['supplying', sold],
      ] as const) {
        const latest = latestOf.get(`${statement.memberId}|${side}`);
        const recomputedNet = lines.reduce((a, l) => a + l.netGrosze, 0);
        if (!latest) {
          // nothing on this side at the close, something now: its original document is due
          if (lines.length > 0) pending.push({ memberId: statement.memberId, document: null, originalNetGrosze: 0, recomputedNetGrosze: recomputedNet, differenceNetGrosze: recomputedNet });
          continue;
        }
        if (recomputedNet !== latest.totalNetGrosze || canonicalJson(lines) !== canonicalJson(latest.lines)) {
          pending.push({
            memberId: statement.memberId,
            document: latest.number,
            originalNetGrosze: latest.totalNetGrosze,
            recomputedNetGrosze: recomputedNet,
            differenceNetGrosze: recomputedNet - latest.totalNetGrosze,
          });
        }
      }
    }
    return { month, pending };
  }
}
