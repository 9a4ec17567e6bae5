// The answer of GET /health (issue 18), the same shape at 200 and at 503.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Why a projection stopped: the event it cannot apply (its checkpoint is the event before). */
export class ProjectionFailureDto {
  @ApiProperty({ type: String, nullable: true }) eventPosition!: string | null;
  @ApiProperty({ type: String, nullable: true }) streamId!: string | null;
  @ApiProperty({ type: Number, nullable: true }) streamPosition!: number | null;
  @ApiProperty({ type: String, nullable: true }) eventType!: string | null;
  @ApiProperty({ description: 'The message, without SQL, parameters or details' }) error!: string;
  @ApiProperty({ type: String, nullable: true }) code!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) since!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: String, format: 'date-time' }) nextRetryAt!: string;
}

export class ProjectionHealthDto {
  @ApiProperty() name!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ description: 'Events not yet applied' }) lag!: number;
  @ApiProperty({ enum: ['running', 'failed'] }) status!: 'running' | 'failed';
  @ApiProperty({ type: String, nullable: true, description: 'The checkpoint: the last event applied (null: none)' }) position!: string | null;
  @ApiPropertyOptional({ type: ProjectionFailureDto, description: 'Only when status is failed' }) failure?: ProjectionFailureDto;
}

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'degraded', 'down'] }) status!: 'ok' | 'degraded' | 'down';
  @ApiProperty({ enum: ['up', 'down'] }) database!: 'up' | 'down';
  @ApiProperty({ enum: ['up', 'unknown'] }) eventStore!: 'up' | 'unknown';
  @ApiProperty({ type: [ProjectionHealthDto], description: 'Empty when the database is down' }) projections!: ProjectionHealthDto[];
}
