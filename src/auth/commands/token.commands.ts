// Issuing and revoking access tokens, through the CommandBus. The request's shape is
// checked in the controller (400); here the rules of who may issue or revoke what, and the
// scope that must exist, then the write through TokenRepository (the access_tokens table).
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { notFound, problem, ProblemException } from '../../common/problem.js';
import type { Principal, Role } from '../roles.decorator.js';
import { type TokenRecord, TokenRepository } from '../queries/tokens.js';

export interface IssuedToken {
  tokenId: string;
  token: string;
  role: Role;
  clusterId: string | null;
  memberId: string | null;
  label: string;
  expiresAt: string | null;
}

/** A token for a role and scope, issued by the principal; its secret is answered once. */
export class IssueToken extends Command<IssuedToken> {
  constructor(
    readonly request: { role: Role; clusterId?: string; memberId?: string; label: string; expiresAt: string | null },
    readonly principal: Principal,
  ) {
    super();
  }
}

@CommandHandler(IssueToken)
export class IssueTokenHandler implements ICommandHandler<IssueToken> {
  constructor(@Inject(TokenRepository) private readonly tokens: TokenRepository) {}

  async execute({ request, principal }: IssueToken): Promise<IssuedToken> {
    if (principal.role === 'coordinator') {
      if (request.clusterId !== principal.clusterId) throw notFound('The cluster was not found');
      if (request.role === 'admin' || request.role === 'coordinator') {
        throw new ProblemException(problem(403, 'A coordinator issues member, auditor and meter-data tokens only'));
      }
    }
    // a token's scope exists: the cluster registered, the member admitted to that cluster
    if (request.clusterId) {
      const scope = await this.tokens.scope(request.clusterId, request.memberId);
      if (!scope.cluster) throw notFound('The cluster was not found');
      if (request.memberId && !scope.member) throw notFound('The member was not found in this cluster');
    }
    const issued = await this.tokens.issue({ ...request, createdBy: principal.tokenId });
    return { ...issued, role: request.role, clusterId: request.clusterId ?? null, memberId: request.memberId ?? null, label: request.label, expiresAt: request.expiresAt };
  }
}

/** Revokes a token, effective at once; a coordinator only its cluster's member, auditor and meter-data tokens. */
export class RevokeToken extends Command<TokenRecord | undefined> {
  constructor(
    readonly tokenId: string,
    readonly principal: Principal,
  ) {
    super();
  }
}

@CommandHandler(RevokeToken)
export class RevokeTokenHandler implements ICommandHandler<RevokeToken> {
  constructor(@Inject(TokenRepository) private readonly tokens: TokenRepository) {}

  async execute({ tokenId, principal }: RevokeToken): Promise<TokenRecord | undefined> {
    const token = await this.tokens.get(tokenId);
    if (!token || (principal.role === 'coordinator' && (token.clusterId !== principal.clusterId || token.role === 'coordinator' || token.role === 'admin'))) {
      throw notFound('The token was not found');
    }
    return this.tokens.revoke(tokenId);
  }
}
