// Request bodies of the registry (docs/API.md, "Registry and agreement"). Shapes and types are
// checked here; business rules (NIP checksum, membership dates, keys) in the decider.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
  ValidateBy,
} from 'class-validator';
import { MAX_GROSZE, MAX_GROSZE_PER_MWH } from '../../shared/limits.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const dateMessage = { message: 'must be a date YYYY-MM-DD' };

/** Priority tiers: a list of lists of member ids (each tier at least one). */
const IsTiers = () =>
  ValidateBy({
    name: 'isTiers',
    validator: {
      validate: (value: unknown) =>
        Array.isArray(value) && value.every((tier) => Array.isArray(tier) && tier.length > 0 && tier.length <= 10000 && tier.every((id) => typeof id === 'string' && id.length > 0 && id.length <= 64)),
      defaultMessage: () => 'must be a list of tiers, each a non-empty list of member ids',
    },
  });

export const MEMBER_KINDS = ['municipality', 'municipal_company', 'company', 'cooperative', 'research_unit', 'ngo', 'household', 'public_transport'] as const;
export const PPE_ROLES = ['consumer', 'producer', 'prosumer', 'storage'] as const;
export const CARRIERS = ['electricity', 'heat'] as const;
export const SOURCES = ['pv', 'wind', 'hydro', 'biogas', 'biomass', 'chp', 'other'] as const;

export class PartyDto {
  @ApiProperty() @IsString() @Length(1, 300) legalName!: string;
  @ApiProperty({ example: '5261040828' }) @IsString() @Length(10, 13) nip!: string;
  @ApiPropertyOptional({ example: 'ul. Gliwicka 8, 43-180 Orzesze', description: "printed as the seller's address on the coordinator's invoices" })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  address?: string;
  @ApiPropertyOptional({ example: 'PL61 1090 1014 0000 0712 1981 2874', description: 'IBAN members pay invoices into (checked by its checksum); printed on invoices' })
  @IsOptional()
  @IsString()
  @Length(15, 42)
  bankAccount?: string;
}

export class JstUnitDto {
  @ApiProperty({ example: 'Szkoła Podstawowa nr 1 w Orzeszu' }) @IsString() @Length(1, 300) name!: string;
  @ApiProperty({ example: '6351831819' }) @IsString() @Length(10, 13) nip!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 300) address?: string;
}

export class GminaDto {
  @ApiProperty({ example: 'Orzesze' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ example: '2408031', description: 'TERYT code of the gmina (7 digits)' }) @Matches(/^\d{7}$/, { message: 'must be a 7-digit TERYT code' }) teryt!: string;
}

export class AreaDto {
  @ApiPropertyOptional({ type: [GminaDto] }) @IsOptional() @IsArray() @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => GminaDto) @ArrayMaxSize(100) gminy?: GminaDto[];
  @ApiPropertyOptional({ example: 'mikołowski' }) @IsOptional() @IsString() @Length(1, 200) powiat?: string;
}

export class RegisterClusterDto {
  @ApiProperty({ example: 'Orzeski Klaster Energii' }) @IsString() @Length(1, 300) name!: string;
  @ApiProperty({ type: PartyDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => PartyDto) coordinator!: PartyDto;
  @ApiProperty({ example: 'Tauron Dystrybucja S.A.' }) @IsString() @Length(1, 300) distributionSystemOperator!: string;
  @ApiProperty({ type: AreaDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => AreaDto) area!: AreaDto;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) ureRegisterEntry?: string;
}

export class AdmitMemberDto {
  @ApiProperty({ enum: MEMBER_KINDS }) @IsIn(MEMBER_KINDS) kind!: (typeof MEMBER_KINDS)[number];
  @ApiProperty() @IsString() @Length(1, 300) legalName!: string;
  @ApiPropertyOptional({ description: '10 digits with the official checksum; a household has none' }) @IsOptional() @IsString() @Length(10, 13) nip?: string;
  @ApiProperty() @IsString() @Length(1, 500) address!: string;
  @ApiProperty() @IsEmail() invoiceEmail!: string;
  @ApiProperty() @IsBoolean() vatPayer!: boolean;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() selfBillingConsent?: boolean;
  @ApiProperty({ example: '2026-01-01' }) @Matches(DATE, dateMessage) admittedOn!: string;
  @ApiPropertyOptional({ type: JstUnitDto, description: 'municipality only: the subordinate unit its invoices concern (FA(3) JST = 1, Podmiot3 role 8)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => JstUnitDto)
  jstUnit?: JstUnitDto;
}

export class WithdrawalDto {
  @ApiProperty({ example: '2026-07-01' }) @Matches(DATE, dateMessage) effectiveOn!: string;
}

export class RegisterMeteringPointDto {
  @ApiProperty({ example: 'PL0037580000000001' }) @IsString() @Length(1, 64) ppeCode!: string;
  @ApiProperty() @IsString() @Length(1, 64) memberId!: string;
  @ApiProperty({ enum: PPE_ROLES }) @IsIn(PPE_ROLES) role!: (typeof PPE_ROLES)[number];
  @ApiProperty({ enum: CARRIERS }) @IsIn(CARRIERS) carrier!: (typeof CARRIERS)[number];
  @ApiPropertyOptional({ enum: SOURCES }) @IsOptional() @IsIn(SOURCES) source?: (typeof SOURCES)[number];
  @ApiPropertyOptional({ description: 'installed capacity in kW, up to 3 decimals' }) @IsOptional() @IsNumber({ maxDecimalPlaces: 3 }) @Min(0) @Max(10_000_000) capacityKw?: number;
  @ApiProperty({ example: '2026-01-01' }) @Matches(DATE, dateMessage) validFrom!: string;
}

export class ReassignmentDto {
  @ApiProperty() @IsString() @Length(1, 64) memberId!: string;
  @ApiProperty({ example: '2026-03-01' }) @Matches(DATE, dateMessage) effectiveFrom!: string;
}

export class DecommissionDto {
  @ApiProperty({ example: '2026-12-31' }) @Matches(DATE, dateMessage) effectiveFrom!: string;
}

export class StaticKeyDto {
  @ApiProperty() @IsString() @Length(1, 64) memberId!: string;
  @ApiProperty({ description: 'basis points (1/100 of a percent)' }) @IsInt() @Min(0) @Max(10000) shareBp!: number;
}

export class AllocationDto {
  @ApiProperty({ enum: ['pro_rata', 'static', 'priority'] }) @IsIn(['pro_rata', 'static', 'priority']) method!: 'pro_rata' | 'static' | 'priority';
  @ApiPropertyOptional({ description: 'static only' }) @IsOptional() @IsBoolean() redistribute?: boolean;
  @ApiPropertyOptional({ type: [StaticKeyDto], description: 'static only' })
  @IsOptional()
  @IsArray()
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => StaticKeyDto)
  @ArrayMaxSize(10000)
  keys?: StaticKeyDto[];
  @ApiPropertyOptional({ type: 'array', items: { type: 'array', items: { type: 'string' } }, description: 'priority only: tiers of member ids' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsTiers()
  tiers?: string[][];
}

export class ThresholdsDto {
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(10000) selfSufficiencyBp?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(10000) renewableShareBp?: number;
}

export class AgreementVersionDto {
  @ApiProperty({ example: '2026-01' }) @Matches(MONTH, { message: 'must be a month YYYY-MM' }) effectiveFrom!: string;
  @ApiProperty({ enum: [15, 60] }) @IsIn([15, 60]) intervalMinutes!: 15 | 60;
  @ApiProperty() @IsBoolean() ownNetting!: boolean;
  @ApiProperty({ type: AllocationDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => AllocationDto) allocation!: AllocationDto;
  @ApiProperty() @IsInt() @Min(0) @Max(MAX_GROSZE_PER_MWH) internalPriceGroszePerMwh!: number;
  @ApiProperty() @IsInt() @Min(0) @Max(MAX_GROSZE_PER_MWH) referenceGridPriceGroszePerMwh!: number;
  @ApiProperty() @IsInt() @Min(0) @Max(MAX_GROSZE_PER_MWH) feeGroszePerMwhReceived!: number;
  @ApiProperty() @IsInt() @Min(0) @Max(MAX_GROSZE_PER_MWH) feeGroszePerMwhSupplied!: number;
  @ApiProperty() @IsInt() @Min(0) @Max(MAX_GROSZE) monthlyFeeGroszePerMember!: number;
  @ApiProperty({ example: 2300 }) @IsInt() @Min(0) @Max(10000) vatRateBp!: number;
  @ApiProperty({ example: 'FV' }) @Matches(/^[A-Z0-9]{1,10}$/, { message: 'must be 1 to 10 capital letters or digits' }) invoiceSeries!: string;
  @ApiPropertyOptional({ type: ThresholdsDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => ThresholdsDto) thresholds?: ThresholdsDto;
  @ApiPropertyOptional({ description: 'the version in force from effectiveFrom that this one replaces; required when that month already has a version (otherwise 409)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  supersedesVersion?: number;
  @ApiPropertyOptional({ default: 14, description: "days from an invoice's issue to its due date" }) @IsOptional() @IsInt() @Min(0) @Max(365) paymentTermDays?: number;
}
