// The answers of the audit routes (issue 18): the chain verification, its comparison with a
// kept anchor, and a month replayed from the events. Field names are the public contract.
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

/** The first broken link of a stream's chain. */
export class BrokenLinkDto {
  @ApiProperty() streamId!: string;
  @ApiProperty() streamPosition!: number;
  @ApiProperty() expectedHash!: string;
  @ApiProperty() foundHash!: string;
  @ApiProperty({ description: 'Why the link is broken, in words' }) reason!: string;
}

/** A stream of the anchor whose history changed since it was kept. */
export class ChangedStreamDto {
  @ApiProperty() streamId!: string;
  @ApiProperty({ enum: ['rewritten', 'shorter', 'missing'] }) reason!: 'rewritten' | 'shorter' | 'missing';
  @ApiProperty({ description: 'The head kept in the anchor' }) keptPosition!: number;
  @ApiProperty() keptHash!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'The position found now (rewritten: the kept one; shorter: the head)' }) foundPosition!: number | null;
  @ApiProperty({ type: String, nullable: true }) foundHash!: string | null;
}

/** The comparison with a heads file or an export kept earlier. */
export class AnchorComparisonDto {
  @ApiProperty({ enum: ['heads', 'export'] }) format!: 'heads' | 'export';
  @ApiProperty({ description: 'True when no stream of the anchor lost or changed an event' }) historyIntact!: boolean;
  @ApiProperty() keptDigest!: string;
  @ApiProperty({ description: 'Streams of the anchor compared (those in scope)' }) streams!: number;
  @ApiProperty() unchanged!: number;
  @ApiProperty({ description: 'Streams with events after the kept head: growth, not tampering' }) grown!: number;
  @ApiProperty({ description: 'Streams the anchor does not know: new since' }) added!: number;
  @ApiProperty({ type: [ChangedStreamDto] }) changed!: ChangedStreamDto[];
}

/** The comparison with a kept digest alone: the heads as they stood at `through`, digested again. */
export class DigestComparisonDto {
  @ApiProperty({ enum: ['digest'] }) format!: 'digest';
  @ApiProperty() historyIntact!: boolean;
  @ApiProperty() keptDigest!: string;
  @ApiProperty({ type: String, nullable: true }) through!: string | null;
  @ApiProperty() digestAtThrough!: string;
}

/** GET and POST /audit/verify. */
@ApiExtraModels(AnchorComparisonDto, DigestComparisonDto)
export class VerifyResultDto {
  @ApiProperty({ description: 'Every chain in scope recomputed without a broken link' }) intact!: boolean;
  @ApiProperty() streams!: number;
  @ApiProperty() events!: number;
  @ApiProperty({ description: 'SHA-256 (hex) over the stream heads: the SHA-256 of GET /audit/heads' }) headsDigest!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The globalPosition of the last event read' }) through!: string | null;
  @ApiPropertyOptional({ type: [BrokenLinkDto], description: 'Only when intact is false' }) broken?: BrokenLinkDto[];
  @ApiPropertyOptional({
    description: 'Only when an anchor was sent (POST)',
    oneOf: [{ $ref: getSchemaPath(AnchorComparisonDto) }, { $ref: getSchemaPath(DigestComparisonDto) }],
  })
  against?: AnchorComparisonDto | DigestComparisonDto;
}

export class ReplayDigestDto {
  @ApiProperty({ description: 'The input digest recorded by the close' }) closed!: string;
  @ApiProperty({ description: 'The input digest of the replay' }) replayed!: string;
  @ApiProperty() matches!: boolean;
}

export class ReplayTransfersDto {
  @ApiProperty() identical!: boolean;
  @ApiProperty() closedRows!: number;
  @ApiProperty() replayedRows!: number;
}

export class ReplaySupportDto {
  @ApiProperty() identical!: boolean;
}

export class ReplayDifferenceDto {
  @ApiProperty() memberId!: string;
  @ApiProperty() field!: string;
  @ApiProperty({ type: Number, nullable: true }) live!: number | null;
  @ApiProperty({ type: Number, nullable: true }) closed!: number | null;
  @ApiProperty({ type: Number, nullable: true }) replayed!: number | null;
}

/** GET /clusters/{clusterId}/settlements/{month}/replay. */
export class ReplayResultDto {
  @ApiProperty() clusterId!: string;
  @ApiProperty({ example: '2026-05' }) month!: string;
  @ApiProperty({ description: 'Nothing differs: replayedIdentical and liveIdentical, no difference listed' }) identical!: boolean;
  @ApiProperty({ description: 'The replay reproduces the close (open month: the live view)' }) replayedIdentical!: boolean;
  @ApiProperty({ description: 'The live view equals the close (open month: the replay)' }) liveIdentical!: boolean;
  @ApiProperty() closed!: boolean;
  @ApiProperty({ type: ReplayDigestDto, nullable: true, description: 'null for an open month' }) digest!: ReplayDigestDto | null;
  @ApiProperty({ type: ReplayTransfersDto, nullable: true, description: 'null for an open month or a close without a transfer matrix' }) transfers!: ReplayTransfersDto | null;
  @ApiProperty({ type: ReplaySupportDto, nullable: true, description: 'null without a closed support ledger' }) support!: ReplaySupportDto | null;
  @ApiProperty() agreementVersion!: number;
  @ApiProperty() members!: number;
  @ApiProperty({ type: [ReplayDifferenceDto] }) differences!: ReplayDifferenceDto[];
}
