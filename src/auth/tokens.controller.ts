import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { parseInstant } from '../shared/instant.js';
import { problem, ProblemException } from '../common/problem.js';
import { notFound } from '../common/problem.js';
import { ApiReadProblems, ApiWriteProblems } from '../common/openapi.js';
import { CurrentPrincipal } from './principal.decorator.js';
import { type Principal, ROLES, type Role, Roles } from './roles.decorator.js';
import { TokenRepository } from './tokens.js';
import { IssuedTokenDto, TokenListDto, TokenRecordDto } from './tokens.responses.js';

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export class IssueTokenDto {
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES as unknown as string[]) role!: Role;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(ID_PATTERN) clusterId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(ID_PATTERN) memberId?: string;
  @ApiProperty() @IsString() @Length(1, 200) label!: string;
  @ApiPropertyOptional({ description: 'ISO 8601 instant with an offset (Z or ±HH:MM)', example: '2027-01-01T00:00:00+01:00' }) @IsOptional() @IsString() expiresAt?: string;
}

@ApiTags('access')
@ApiBearerAuth()
@Controller('tokens')
export class TokensController {
  constructor(private readonly tokens: TokenRepository) {}

  @Post()
  @Roles('admin', 'coordinator')
  @ApiCreatedResponse({ type: IssuedTokenDto, description: 'The token, its secret shown this once' })
  @ApiWriteProblems()
  async issue(@Body() body: IssueTokenDto, @CurrentPrincipal() principal: Principal) {
    const errors = [];
    if (body.role !== 'admin' && !body.clusterId) errors.push({ field: 'clusterId', reason: `is required for the role ${body.role}` });
    if (body.role === 'admin' && (body.clusterId || body.memberId)) errors.push({ field: 'role', reason: 'an admin token has no cluster or member scope' });
    if (body.role === 'member' && !body.memberId) errors.push({ field: 'memberId', reason: 'is required for the role member' });
    if (body.role !== 'member' && body.memberId) errors.push({ field: 'memberId', reason: 'is only for the role member' });
    const expiresMs = body.expiresAt === undefined ? undefined : parseInstant(body.expiresAt);
    if (typeof expiresMs === 'string') errors.push({ field: 'expiresAt', reason: expiresMs });
    else if (expiresMs !== undefined && expiresMs <= Date.now()) errors.push({ field: 'expiresAt', reason: 'must be in the future' });
    if (errors.length) throw ProblemException.validation(errors);
    if (principal.role === 'coordinator') {
      if (body.clusterId !== principal.clusterId) throw notFound('The cluster was not found');
      if (body.role === 'admin' || body.role === 'coordinator') {
        throw new ProblemException(problem(403, 'A coordinator issues member, auditor and meter-data tokens only'));
      }
    }
    // a token's scope exists: the cluster registered, the member admitted to that cluster
    if (body.clusterId) {
      const scope = await this.tokens.scope(body.clusterId, body.memberId);
      if (!scope.cluster) throw notFound('The cluster was not found');
      if (body.memberId && !scope.member) throw notFound('The member was not found in this cluster');
    }
    const expiresAt = typeof expiresMs === 'number' ? new Date(expiresMs).toISOString() : null;
    const issued = await this.tokens.issue({ ...body, expiresAt, createdBy: principal.tokenId });
    return { ...issued, role: body.role, clusterId: body.clusterId ?? null, memberId: body.memberId ?? null, label: body.label, expiresAt };
  }

  @Get()
  @Roles('admin', 'coordinator')
  @ApiOkResponse({ type: TokenListDto, description: 'The tokens in scope, without their secrets' })
  @ApiReadProblems()
  async list(@CurrentPrincipal() principal: Principal) {
    const items = await this.tokens.list(principal.role === 'admin' ? undefined : principal.clusterId ?? undefined);
    return { items };
  }

  @Post(':tokenId/revocation')
  @HttpCode(200)
  @Roles('admin', 'coordinator')
  @ApiOkResponse({ type: TokenRecordDto, description: 'The token with its revokedAt; effective at once' })
  @ApiWriteProblems()
  async revoke(@Param('tokenId', new ParseUUIDPipe({ exceptionFactory: () => ProblemException.validation([{ field: 'tokenId', reason: 'must be a token id (a UUID)' }]) })) tokenId: string, @CurrentPrincipal() principal: Principal) {
    const token = await this.tokens.get(tokenId);
    if (!token || (principal.role === 'coordinator' && (token.clusterId !== principal.clusterId || token.role === 'coordinator' || token.role === 'admin'))) {
      throw notFound('The token was not found');
    }
    return this.tokens.revoke(tokenId);
  }
}
