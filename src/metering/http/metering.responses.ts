// The answers of the metering routes as the OpenAPI document describes them (issue 18):
// what the metering commands and queries (and the recorder) return, field by field.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const COLUMN_REF = { oneOf: [{ type: 'string' }, { type: 'integer' }], description: 'a header name or a 1-based column number' };

export class HourlySplitReportDto {
  @ApiProperty({ description: 'hours given where the agreement settles quarter-hours' }) hours!: number;
  @ApiProperty({ description: 'the quarter-hours they were divided into (four each)' }) quarterHours!: number;
  @ApiProperty({ example: 'even', description: 'the rule that divided them' }) rule!: string;
}

/** What a batch or a file recorded (200, also when nothing was new). */
export class ImportReportDto {
  @ApiProperty({ description: 'entries of the batch, or lines of the file, read' }) linesRead!: number;
  @ApiProperty() readings!: number;
  @ApiProperty({ description: 'values recorded for the first time' }) new!: number;
  @ApiProperty({ description: 'values already recorded as given' }) unchanged!: number;
  @ApiProperty({ description: 'values that replaced other recorded values' }) corrected!: number;
  @ApiProperty() eventsAppended!: number;
  @ApiProperty({ enum: ['recorded', 'nothing new'] }) status!: 'recorded' | 'nothing new';
  @ApiPropertyOptional({ type: HourlySplitReportDto, description: 'present when hours were divided into quarter-hours' }) hourlySplit?: HourlySplitReportDto;
}

export class ReadingHistoryEntryDto {
  @ApiProperty() importWh!: number;
  @ApiProperty() exportWh!: number;
  @ApiProperty({ example: 'measured' }) quality!: string;
  @ApiProperty({ format: 'date-time', description: 'when the value was replaced' }) replacedAt!: string;
  @ApiProperty({ example: 'file:generic' }) source!: string;
}

export class ReadingItemDto {
  @ApiProperty({ format: 'date-time' }) intervalStart!: string;
  @ApiProperty({ example: 15 }) intervalMinutes!: number;
  @ApiProperty({ type: 'number', nullable: true }) importWh!: number | null;
  @ApiProperty({ type: 'number', nullable: true }) exportWh!: number | null;
  @ApiProperty({ example: 'measured' }) quality!: string;
  @ApiProperty({ type: [ReadingHistoryEntryDto], description: 'the earlier values of the interval, oldest first' }) history!: ReadingHistoryEntryDto[];
}

export class PpeReadingsDto {
  @ApiProperty() ppeCode!: string;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ type: [ReadingItemDto] }) items!: ReadingItemDto[];
}

export class MissingRangeDto {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time', description: 'exclusive' }) to!: string;
}

export class PpeCompletenessDto {
  @ApiProperty() ppeCode!: string;
  @ApiProperty() expectedIntervals!: number;
  @ApiProperty() presentIntervals!: number;
  @ApiProperty({ description: 'quarter-hours whose values were divided from hourly data' }) hourlySplitQuarterHours!: number;
  @ApiProperty({ type: [MissingRangeDto] }) missing!: MissingRangeDto[];
}

export class CompletenessDto {
  @ApiProperty({ example: '2026-05' }) month!: string;
  @ApiProperty({ example: 60 }) intervalMinutes!: number;
  @ApiProperty() complete!: boolean;
  @ApiProperty({ type: [String], description: 'PPE settled, in part, from hourly values divided into quarter-hours' }) ppeFromHourlyData!: string[];
  @ApiProperty({ type: [PpeCompletenessDto] }) ppe!: PpeCompletenessDto[];
}

export class ProfileTimeDto {
  @ApiProperty({ enum: ['hour-ending', 'hour-starting'] }) convention!: string;
  @ApiProperty({ enum: [15, 60] }) intervalMinutes!: number;
  @ApiPropertyOptional(COLUMN_REF) dateColumn?: string | number;
  @ApiProperty(COLUMN_REF) timeColumn!: string | number;
  @ApiProperty({ example: 'YYYY-MM-DD' }) dateFormat!: string;
}

export class ProfileValueColumnDto {
  @ApiProperty(COLUMN_REF) column!: string | number;
  @ApiProperty({ enum: ['import', 'export'] }) direction!: string;
}

/** An import profile as listed or saved. */
export class ImportProfileDto {
  @ApiProperty() name!: string;
  @ApiPropertyOptional() description?: string;
  @ApiProperty({ enum: [';', ',', '\t', '|'] }) delimiter!: string;
  @ApiProperty({ enum: [',', '.'] }) decimalSeparator!: string;
  @ApiProperty({ enum: ['auto', 'utf-8', 'windows-1250'] }) encoding!: string;
  @ApiProperty({ description: 'the header line (0: none)' }) headerRow!: number;
  @ApiProperty({ type: ProfileTimeDto }) time!: ProfileTimeDto;
  @ApiPropertyOptional(COLUMN_REF) ppeColumn?: string | number;
  @ApiProperty({ enum: ['kWh', 'Wh'] }) unit!: string;
  @ApiProperty({ type: [ProfileValueColumnDto] }) values!: ProfileValueColumnDto[];
  @ApiProperty({ description: 'shipped with the service (not saved by the cluster)' }) builtIn!: boolean;
  @ApiPropertyOptional({ description: 'saved profiles: 1 for the first save of the name, then 2, ...' }) revision?: number;
  @ApiPropertyOptional({ format: 'date-time', description: 'listed saved profiles' }) savedAt?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'listed saved profiles: who saved it' }) savedBy?: Record<string, unknown>;
  @ApiPropertyOptional() sampleSha256?: string;
  @ApiPropertyOptional({ description: 'readings the sample held' }) sampleReadings?: number;
}

export class ImportProfileListDto {
  @ApiProperty({ type: [ImportProfileDto], description: "the built-in profiles, then the cluster's by name" }) items!: ImportProfileDto[];
}
