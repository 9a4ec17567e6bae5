import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ROLES, type Role } from '../roles.decorator.js';

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export class IssueTokenDto {
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES) role!: Role;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(ID_PATTERN) clusterId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(ID_PATTERN) memberId?: string;
  @ApiProperty() @IsString() @Length(1, 200) label!: string;
  @ApiPropertyOptional({ description: 'ISO 8601 instant with an offset (Z or ±HH:MM)', example: '2027-01-01T00:00:00+01:00' }) @IsOptional() @IsString() expiresAt?: string;
}
