import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { parseInstant } from '../../shared/instant.js';
import { ProblemException } from '../../common/problem.js';
import { ApiReadProblems, ApiWriteProblems } from '../../common/openapi.js';
import { CurrentPrincipal } from '../principal.decorator.js';
import { type Principal, Roles } from '../roles.decorator.js';
import { IssueToken, RevokeToken } from '../commands/token.commands.js';
import { ListTokens } from '../queries/tokens.query.js';
import { IssueTokenDto } from './tokens.dto.js';
import { IssuedTokenDto, TokenListDto, TokenRecordDto } from './tokens.responses.js';

@ApiTags('access')
@ApiBearerAuth()
@Controller('tokens')
export class TokensController {
  constructor(
    @Inject(CommandBus) private readonly commandBus: CommandBus,
    @Inject(QueryBus) private readonly queryBus: QueryBus,
  ) {}

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
    const expiresAt = typeof expiresMs === 'number' ? new Date(expiresMs).toISOString() : null;
    return this.commandBus.execute(new IssueToken({ role: body.role, clusterId: body.clusterId, memberId: body.memberId, label: body.label, expiresAt }, principal));
  }

  @Get()
  @Roles('admin', 'coordinator')
  @ApiOkResponse({ type: TokenListDto, description: 'The tokens in scope, without their secrets' })
  @ApiReadProblems()
  async list(@CurrentPrincipal() principal: Principal) {
    return this.queryBus.execute(new ListTokens(principal));
  }

  @Post(':tokenId/revocation')
  @HttpCode(200)
  @Roles('admin', 'coordinator')
  @ApiOkResponse({ type: TokenRecordDto, description: 'The token with its revokedAt; effective at once' })
  @ApiWriteProblems()
  async revoke(
    @Param('tokenId', new ParseUUIDPipe({ exceptionFactory: () => ProblemException.validation([{ field: 'tokenId', reason: 'must be a token id (a UUID)' }]) })) tokenId: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.commandBus.execute(new RevokeToken(tokenId, principal));
  }
}
