// The request bodies of the legal-parameters routes, checked by class-validator.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

class ChangeDto {
  @ApiProperty({ example: '2027-01-01' }) @Matches(DATE, { message: 'must be a date YYYY-MM-DD' }) validFrom!: string;
  @ApiProperty({ description: 'the act, regulation or notice the value comes from' }) @IsString() @Length(1, 1000) basis!: string;
  @ApiProperty({ description: 'why it is recorded (a correction like any other)' }) @IsString() @Length(1, 1000) reason!: string;
}

export class FeeRatesDto extends ChangeDto {
  @ApiProperty({ description: 'opłata OZE, grosze per MWh (7.30 zł/MWh = 730)' }) @IsInt() @Min(0) @Max(100_000_000) ozeGroszePerMwh!: number;
  @ApiProperty({ description: 'opłata kogeneracyjna, grosze per MWh' }) @IsInt() @Min(0) @Max(100_000_000) cogenerationGroszePerMwh!: number;
}

export class ThresholdsDto extends ChangeDto {
  @ApiProperty({ example: 5000 }) @IsInt() @Min(0) @Max(10_000) renewableShareBp!: number;
  @ApiProperty({ example: 6000 }) @IsInt() @Min(0) @Max(10_000) selfConsumptionBp!: number;
}

export class BracketDto {
  @ApiProperty({ example: 6000 }) @IsInt() @Min(0) @Max(10_000) fromSelfConsumptionBp!: number;
  @ApiPropertyOptional({ nullable: true, description: "null: the rate is the DSO tariff's" }) @IsOptional() @IsInt() @Min(0) @Max(10_000) discountBp?: number | null;
}

export class DiscountBracketsDto extends ChangeDto {
  @ApiProperty({ type: [BracketDto] }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => BracketDto) brackets!: BracketDto[];
}

export class SupportPeriodDto extends ChangeDto {
  @ApiProperty({ example: '2024-07-02' }) @Matches(DATE, { message: 'must be a date YYYY-MM-DD' }) supportFrom!: string;
  @ApiProperty({ example: '2029-12-31' }) @Matches(DATE, { message: 'must be a date YYYY-MM-DD' }) supportTo!: string;
}
