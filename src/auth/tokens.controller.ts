import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { problem, ProblemException } from '../common/problem.js';
import { notFound } from './auth.guard.js';
import { CurrentPrincipal } from './principal.decorator.js';
import { type Principal, ROLES, type Role, Roles } from './roles.decorator.js';
import { TokenRepository } from './tokens.js';

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export class IssueTokenDto {
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES as unknown as string[]) role!: Role;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(ID_PATTERN) clusterId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(ID_PATTERN) memberId?: string;
  @ApiProperty() @IsString() @Length(1, 200) label!: string;
  @ApiPropertyOptional({ description: 'ISO 8601 instant with an offset' }) @IsOptional() @IsISO8601({ strict: true }) expiresAt?: string;
}

@ApiTags('access')
@ApiBearerAuth()
@Controller('tokens')
export class TokensController {
  constructor(private readonly tokens: TokenRepository) {}

  @Post()
  @Roles('admin', 'coordinator')
  async issue(@Body() body: IssueTokenDto, @CurrentPrincipal() principal: Principal) {
    const errors = [];
    if (body.role !== 'admin' && !body.clusterId) errors.push({ field: 'clusterId', reason: `is required for the role ${body.role}` });
    if (body.role === 'admin' && (body.clusterId || body.memberId)) errors.push({ field: 'role', reason: 'an admin token has no cluster or member scope' });
    if (body.role === 'member' && !body.memberId) errors.push({ field: 'memberId', reason: 'is required for the role member' });
    if (body.role !== 'member' && body.memberId) errors.push({ field: 'memberId', reason: 'is only for the role member' });
    if (body.expiresAt && new Date(body.expiresAt) <= new Date()) errors.push({ field: 'expiresAt', reason: 'must be in the future' });
    if (errors.length) throw ProblemException.validation(errors);
    if (principal.role === 'coordinator') {
      if (body.clusterId !== principal.clusterId) throw notFound('The cluster was not found');
      if (body.role === 'admin' || body.role === 'coordinator') {
        throw new ProblemException(problem(403, 'A coordinator issues member, auditor and meter-data tokens only'));
      }
    }
    const issued = await this.tokens.issue({ ...body, createdBy: principal.tokenId });
    return { ...issued, role: body.role, clusterId: body.clusterId ?? null, memberId: body.memberId ?? null, label: body.label, expiresAt: body.expiresAt ?? null };
  }

  @Get()
  @Roles('admin', 'coordinator')
  async list(@CurrentPrincipal() principal: Principal) {
    const items = await this.tokens.list(principal.role === 'admin' ? undefined : principal.clusterId ?? undefined);
    return { items };
  }

  @Post(':tokenId/revocation')
  @HttpCode(200)
  @Roles('admin', 'coordinator')
  async revoke(@Param('tokenId', new ParseUUIDPipe()) tokenId: string, @CurrentPrincipal() principal: Principal) {
    const token = await this.tokens.get(tokenId);
    if (!token || (principal.role === 'coordinator' && (token.clusterId !== principal.clusterId || token.role === 'coordinator' || token.role === 'admin'))) {
      throw notFound('The token was not found');
    }
    return this.tokens.revoke(tokenId);
  }
}
