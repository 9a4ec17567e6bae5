// What the settlement routes answer, for the OpenAPI document (issue 18). Field names are the
// public contract; statements and totals are the engine's (open objects here, see domain/engine/statement.ts).
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const OPEN = { type: 'object', additionalProperties: true } as const;

export class GapDto {
  @ApiProperty() ppeCode!: string;
  @ApiProperty() missingIntervals!: number;
}

/** POST .../close: the closed month without its statements, with the count of members. */
export class ClosedMonthDto {
  @ApiProperty() clusterId!: string;
  @ApiProperty({ example: '2026-05' }) month!: string;
  @ApiProperty({ enum: ['closed'] }) status!: 'closed';
  @ApiProperty() agreementVersion!: number;
  @ApiProperty({ ...OPEN, description: 'The cluster totals and KPIs of the month' }) totals!: Record<string, unknown>;
  @ApiProperty({ description: 'The global position of the last input event read' }) lastEventPosition!: string;
  @ApiProperty() inputEvents!: number;
  @ApiProperty() inputDigest!: string;
  @ApiProperty() allowGaps!: boolean;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty({ type: [GapDto] }) gaps!: GapDto[];
  @ApiProperty() closedAt!: string;
  @ApiPropertyOptional({ type: 'array', items: { type: 'array', items: {} }, description: '[fromMemberId, toMemberId, kind, wh], when frozen in the close' }) transfers?: unknown[];
  @ApiProperty() streamVersion!: number;
  @ApiProperty({ description: 'The number of member statements recorded' }) members!: number;
}

/** GET .../settlements/{month}: closed or provisional. */
export class ClusterMonthDto {
  @ApiProperty() clusterId!: string;
  @ApiProperty() month!: string;
  @ApiProperty({ enum: ['closed', 'provisional'] }) status!: 'closed' | 'provisional';
  @ApiProperty() agreementVersion!: number;
  @ApiPropertyOptional({ description: 'closed only' }) closedAt?: string;
  @ApiPropertyOptional({ description: 'closed only' }) lastEventPosition?: string;
  @ApiPropertyOptional({ description: 'closed only' }) inputDigest?: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'provisional only' }) computedThrough?: string | null;
  @ApiPropertyOptional({ description: 'provisional only' }) computedAt?: string;
  @ApiProperty({ ...OPEN, description: 'The cluster totals and KPIs of the month' }) totals!: Record<string, unknown>;
  @ApiProperty({ ...OPEN, description: 'Totals and KPIs over the 12 months up to this one' }) trailing12Months!: Record<string, unknown>;
  @ApiProperty({ type: 'array', items: OPEN, description: 'Member statements (a member sees its own only)' }) members!: Record<string, unknown>[];
}

export class TransferDto {
  @ApiProperty() fromMemberId!: string;
  @ApiProperty() toMemberId!: string;
  @ApiProperty({ enum: ['pool', 'contract'] }) kind!: 'pool' | 'contract';
  @ApiProperty() wh!: number;
}

export class TransfersDto {
  @ApiProperty() clusterId!: string;
  @ApiProperty() month!: string;
  @ApiPropertyOptional({ example: '2026-05-14' }) day?: string;
  @ApiProperty({ enum: ['closed', 'provisional'] }) status!: 'closed' | 'provisional';
  @ApiProperty({ type: [TransferDto] }) transfers!: TransferDto[];
}

/** GET .../members/{memberId}: the member's statement fields, spread, with these. */
export class MemberStatementDto {
  @ApiProperty() clusterId!: string;
  @ApiProperty() month!: string;
  @ApiProperty({ enum: ['closed', 'provisional', 'as_of'] }) status!: 'closed' | 'provisional' | 'as_of';
  @ApiPropertyOptional({ description: 'as_of only' }) asOf?: string;
  @ApiPropertyOptional({ description: 'closed only' }) closedAt?: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'provisional only' }) computedThrough?: string | null;
  @ApiPropertyOptional({ description: 'provisional only' }) computedAt?: string;
  @ApiProperty() memberId!: string;
  @ApiProperty() agreementVersion!: number;
  @ApiProperty() netAmountGrosze!: number;
  @ApiProperty() savingsGrosze!: number;
  @ApiProperty({ type: 'array', items: OPEN }) contracts!: Record<string, unknown>[];
}

export class MemberIntervalDto {
  @ApiProperty() intervalStart!: string;
  @ApiProperty() importWh!: number;
  @ApiProperty() exportWh!: number;
  @ApiProperty() selfConsumedWh!: number;
  @ApiProperty() receivedWh!: number;
  @ApiProperty() suppliedWh!: number;
  @ApiProperty() gridImportWh!: number;
  @ApiProperty() gridExportWh!: number;
}

export class MemberIntervalsDto {
  @ApiProperty() memberId!: string;
  @ApiProperty() month!: string;
  @ApiProperty() day!: string;
  @ApiProperty({ description: 'The number of intervals in the day' }) intervals!: number;
  @ApiProperty({ type: [MemberIntervalDto] }) items!: MemberIntervalDto[];
}
