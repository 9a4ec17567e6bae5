// The answers of the support-ledger and legal-parameters routes as the OpenAPI document
// describes them (issue 18): what SupportController and SupportService return.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const STATUS = { enum: ['closed', 'provisional'], description: 'closed: frozen at the close; provisional: computed again as inputs change' };

export class SupportTotalsDto {
  @ApiProperty() fedInWh!: number;
  @ApiProperty() takenWh!: number;
  @ApiProperty() renewableFedInWh!: number;
  @ApiProperty() matchedWh!: number;
  @ApiProperty() renewableMatchedWh!: number;
  @ApiProperty() exemptWh!: number;
  @ApiProperty({ description: 'ΣM / ΣI' }) selfConsumptionBp!: number;
  @ApiProperty({ description: 'ΣEres / ΣE' }) renewableShareBp!: number;
  @ApiProperty() waivedOzeGrosze!: number;
  @ApiProperty() waivedCogenerationGrosze!: number;
  @ApiProperty() waivedFeesGrosze!: number;
}

export class SupportMemberDto {
  @ApiProperty() memberId!: string;
  @ApiProperty() fedInWh!: number;
  @ApiProperty() renewableFedInWh!: number;
  @ApiProperty() takenWh!: number;
  @ApiProperty({ description: 'its share of Mres: renewable energy fed in and taken in the cluster the same hour' }) renewableMatchedWh!: number;
  @ApiProperty({ description: 'the part of it in hours of the support period' }) exemptWh!: number;
  @ApiProperty() waivedOzeGrosze!: number;
  @ApiProperty() waivedCogenerationGrosze!: number;
  @ApiProperty() waivedFeesGrosze!: number;
}

export class ThresholdCheckDto {
  @ApiProperty() valueBp!: number;
  @ApiProperty({ type: 'integer', nullable: true }) thresholdBp!: number | null;
  @ApiProperty({ type: 'boolean', nullable: true }) met!: boolean | null;
}

export class SupportHourDto {
  @ApiProperty({ format: 'date-time' }) hourStart!: string;
  @ApiProperty({ description: 'the Warsaw wall-clock start with its offset' }) localStart!: string;
  @ApiProperty() fedInWh!: number;
  @ApiProperty() takenWh!: number;
  @ApiProperty() renewableFedInWh!: number;
  @ApiProperty() matchedWh!: number;
  @ApiProperty() renewableMatchedWh!: number;
}

export class DiscountBracketDto {
  @ApiProperty() fromSelfConsumptionBp!: number;
  @ApiProperty({ type: 'integer', nullable: true, description: "null: the rate is the DSO tariff's" }) discountBp!: number | null;
}

export class NetworkDiscountDto {
  @ApiProperty() eligible!: boolean;
  @ApiProperty({ type: DiscountBracketDto, nullable: true }) bracket!: DiscountBracketDto | null;
}

export class FeeRatesEntryDto {
  @ApiProperty({ example: '2027-01-01' }) validFrom!: string;
  @ApiProperty() ozeGroszePerMwh!: number;
  @ApiProperty() cogenerationGroszePerMwh!: number;
  @ApiProperty() basis!: string;
}

export class DiscountBracketsEntryDto {
  @ApiProperty({ example: '2027-01-01' }) validFrom!: string;
  @ApiProperty({ type: [DiscountBracketDto] }) brackets!: DiscountBracketDto[];
  @ApiProperty() basis!: string;
}

export class ThresholdsEntryDto {
  @ApiProperty({ example: '2027-01-01' }) validFrom!: string;
  @ApiProperty() renewableShareBp!: number;
  @ApiProperty() selfConsumptionBp!: number;
  @ApiProperty() basis!: string;
}

export class SupportPeriodEntryDto {
  @ApiProperty({ example: '2024-07-02' }) validFrom!: string;
  @ApiProperty() supportFrom!: string;
  @ApiProperty() supportTo!: string;
  @ApiProperty() basis!: string;
}

/** The law's dated values as recorded (the shipped defaults before any change). */
export class LegalParametersDto {
  @ApiProperty({ description: 'events recorded on the legal-parameters stream' }) version!: number;
  @ApiProperty({ type: [FeeRatesEntryDto] }) feeRates!: FeeRatesEntryDto[];
  @ApiProperty({ type: [DiscountBracketsEntryDto] }) discountBrackets!: DiscountBracketsEntryDto[];
  @ApiProperty({ type: [ThresholdsEntryDto] }) thresholds!: ThresholdsEntryDto[];
  @ApiProperty({ type: [SupportPeriodEntryDto] }) supportPeriods!: SupportPeriodEntryDto[];
}

export class LegalParametersChangedDto extends LegalParametersDto {
  @ApiProperty({ type: [String], description: 'the event types the change recorded (none when it was already so)' }) recorded!: string[];
}

/** The parameters in force over a month, as used. */
export class MonthParametersDto extends LegalParametersDto {
  @ApiProperty({ example: '2026-05' }) month!: string;
}

export class SupportMonthDto {
  @ApiProperty() clusterId!: string;
  @ApiProperty({ example: '2026-05' }) month!: string;
  @ApiProperty(STATUS) status!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'closed months' }) closedAt?: string;
  @ApiPropertyOptional({ type: 'string', nullable: true, description: 'provisional months: the last event position read' }) computedThrough?: string | null;
  @ApiPropertyOptional({ format: 'date-time', description: 'provisional months' }) computedAt?: string;
  @ApiProperty() hourCount!: number;
  @ApiProperty({ type: [SupportHourDto] }) hours!: SupportHourDto[];
  @ApiProperty({ type: SupportTotalsDto }) totals!: SupportTotalsDto;
  @ApiProperty({ type: ThresholdCheckDto }) renewableShare!: ThresholdCheckDto;
  @ApiProperty({ type: ThresholdCheckDto }) selfConsumption!: ThresholdCheckDto;
  @ApiProperty({ type: NetworkDiscountDto }) networkDiscount!: NetworkDiscountDto;
  @ApiProperty({ type: [SupportMemberDto], description: 'a member sees its own row only' }) members!: SupportMemberDto[];
  @ApiProperty({ type: MonthParametersDto }) parameters!: MonthParametersDto;
}

export class SupportYearMonthDto {
  @ApiProperty({ example: '2026-05' }) month!: string;
  @ApiProperty(STATUS) status!: string;
  @ApiProperty() hourCount!: number;
  @ApiProperty({ type: SupportTotalsDto }) totals!: SupportTotalsDto;
  @ApiProperty({ type: ThresholdCheckDto }) renewableShare!: ThresholdCheckDto;
  @ApiProperty({ type: ThresholdCheckDto }) selfConsumption!: ThresholdCheckDto;
}

export class SupportYearDto {
  @ApiProperty() clusterId!: string;
  @ApiProperty({ example: 2026 }) year!: number;
  @ApiProperty() hourCount!: number;
  @ApiProperty({ type: SupportTotalsDto }) totals!: SupportTotalsDto;
  @ApiProperty({ type: [SupportMemberDto], description: 'a member sees its own row only' }) members!: SupportMemberDto[];
  @ApiProperty({ type: [SupportYearMonthDto] }) months!: SupportYearMonthDto[];
}

export class PpeHourRowDto {
  @ApiProperty() ppeCode!: string;
  @ApiProperty() memberId!: string;
  @ApiProperty({ format: 'date-time' }) hourStart!: string;
  @ApiProperty() localStart!: string;
  @ApiProperty() renewable!: boolean;
  @ApiProperty() fedInWh!: number;
  @ApiProperty() takenWh!: number;
  @ApiProperty() renewableMatchedWh!: number;
}

export class PpeHoursDto {
  @ApiProperty() clusterId!: string;
  @ApiProperty({ example: '2026-05' }) month!: string;
  @ApiProperty(STATUS) status!: string;
  @ApiProperty({ type: [PpeHourRowDto] }) rows!: PpeHourRowDto[];
}

export class ComplianceWarningDto {
  @ApiProperty() key!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) params!: Record<string, string | number>;
  @ApiProperty({ description: 'in Polish' }) pl!: string;
  @ApiProperty({ description: 'in English' }) en!: string;
}

export class ComplianceCheckDto {
  @ApiProperty({ enum: ['renewableShare', 'selfConsumption'] }) threshold!: string;
  @ApiProperty({ description: 'from when the requirement is in force within the year (YYYY-MM-DD)' }) from!: string;
  @ApiProperty() requiredBp!: number;
  @ApiProperty({ type: 'integer', nullable: true }) trailing12MonthsBp!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) yearToDateBp!: number | null;
  @ApiProperty({ type: 'boolean', nullable: true }) met!: boolean | null;
  @ApiProperty({ enum: ['in_force', 'upcoming', 'past'] }) status!: string;
  @ApiProperty() basis!: string;
  @ApiProperty({ type: ComplianceWarningDto, nullable: true }) warning!: ComplianceWarningDto | null;
}

export class ComplianceYearDto {
  @ApiProperty() year!: number;
  @ApiProperty({ type: [ComplianceCheckDto] }) checks!: ComplianceCheckDto[];
}

export class TrailingMonthsDto {
  @ApiProperty({ example: '2025-05' }) from!: string;
  @ApiProperty({ example: '2026-04' }) to!: string;
  @ApiProperty({ type: [String] }) monthsIncluded!: string[];
  @ApiProperty({ type: 'integer', nullable: true }) renewableShareBp!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) selfConsumptionBp!: number | null;
}

export class MonthStatusDto {
  @ApiProperty({ example: '2026-05' }) month!: string;
  @ApiProperty(STATUS) status!: string;
}

export class ComplianceDto {
  @ApiProperty() clusterId!: string;
  @ApiProperty({ example: '2026-05-14' }) today!: string;
  @ApiProperty({ type: TrailingMonthsDto }) trailing12Months!: TrailingMonthsDto;
  @ApiProperty({ type: [ComplianceYearDto], description: 'this year and the next' }) years!: ComplianceYearDto[];
  @ApiProperty({ type: [ComplianceWarningDto] }) warnings!: ComplianceWarningDto[];
  @ApiProperty({ type: [MonthStatusDto] }) months!: MonthStatusDto[];
}
