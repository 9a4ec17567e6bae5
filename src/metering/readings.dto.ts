import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';

const MAX_WH = 1e12;
/** An instant with an explicit offset: a local time without one is ambiguous on DST days. */
export const INSTANT_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export class ReadingDto {
  @ApiProperty({ example: 'PL0037580000000001' }) @IsString() @Length(1, 64) ppeCode!: string;
  @ApiProperty({ example: '2026-05-01T00:00:00+02:00' }) @Matches(INSTANT_WITH_OFFSET, { message: 'must be an ISO 8601 instant with an offset' }) intervalStart!: string;
  @ApiProperty({ enum: [15, 60, 1440] }) @IsIn([15, 60, 1440]) intervalMinutes!: number;
  @ApiProperty({ description: 'energy drawn from the grid (pobór), Wh' }) @IsInt() @Min(0) @Max(MAX_WH) importWh!: number;
  @ApiProperty({ description: 'energy fed into the grid (oddanie), Wh' }) @IsInt() @Min(0) @Max(MAX_WH) exportWh!: number;
  @ApiPropertyOptional({ enum: ['measured', 'estimated', 'substituted'], default: 'measured' })
  @IsOptional() @IsIn(['measured', 'estimated', 'substituted']) quality?: 'measured' | 'estimated' | 'substituted';
}

export class ReadingsBatchDto {
  @ApiProperty({ example: 'osd-api' }) @IsString() @Length(1, 200) source!: string;
  @ApiProperty({ type: [ReadingDto] })
  @ValidateNested({ each: true }) @Type(() => ReadingDto) @ArrayMinSize(1) @ArrayMaxSize(200_000)
  readings!: ReadingDto[];
}
