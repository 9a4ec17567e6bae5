// What the settlement routes take.
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';

export class CloseMonthDto {
  @ApiPropertyOptional({ description: 'close although readings are missing (needs a reason)' }) @IsOptional() @IsBoolean() allowGaps?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 1000) reason?: string;
}
