// Request bodies of the contract routes, validated before a command is built (400 names the field).
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { MAX_GROSZE_PER_MWH, MAX_WH_PER_VALUE } from '../../shared/limits.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class DeliveryWindowDto {
  @ApiProperty({ example: '06:00' }) @Matches(/^\d{2}:\d{2}$/, { message: 'must be a local time HH:MM' }) from!: string;
  @ApiProperty({ example: '22:00' }) @Matches(/^\d{2}:\d{2}$/, { message: 'must be a local time HH:MM' }) to!: string;
  @ApiProperty({ description: 'Monday to Friday only, Polish public holidays excluded' }) @IsBoolean() workingDaysOnly!: boolean;
}

export class SignContractDto {
  @ApiProperty() @IsString() @Length(1, 64) sellerMemberId!: string;
  @ApiProperty() @IsString() @Length(1, 64) buyerMemberId!: string;
  @ApiProperty({ description: 'volume per settlement interval, Wh' }) @IsInt() @Min(1) @Max(MAX_WH_PER_VALUE) whPerInterval!: number;
  @ApiProperty() @IsInt() @Min(0) @Max(MAX_GROSZE_PER_MWH) priceGroszePerMwh!: number;
  @ApiProperty({ example: '2026-05-01' }) @Matches(DATE, { message: 'must be a date YYYY-MM-DD' }) validFrom!: string;
  @ApiProperty({ example: '2026-12-31', description: 'last day of delivery, inclusive' }) @Matches(DATE, { message: 'must be a date YYYY-MM-DD' }) validTo!: string;
  @ApiPropertyOptional({ type: DeliveryWindowDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => DeliveryWindowDto) window?: DeliveryWindowDto;
}

export class TerminationDto {
  @ApiProperty({ example: '2026-09-01' }) @Matches(DATE, { message: 'must be a date YYYY-MM-DD' }) effectiveFrom!: string;
}
