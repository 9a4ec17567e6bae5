// Authenticates the bearer token, checks the route's declared roles and the token's
// scope. Another cluster's or another member's resource answers 404: no hint it exists.
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { notFound, problem, ProblemException } from '../common/problem.js';
import { setActor } from '../common/request-context.js';
import { PUBLIC_KEY, type Principal, ROLES_KEY, type Role } from './roles.decorator.js';
import { TokenRepository } from './queries/tokens.js';

export type AuthenticatedRequest = Request & { principal?: Principal };

function unauthorized(detail: string): ProblemException {
  return new ProblemException(problem(401, detail));
}

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!roles || roles.length === 0) throw new ProblemException(problem(403, 'This route declares no roles and is closed'));

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (!header) throw unauthorized('An access token is required: Authorization: Bearer <token>');
    const secret = /^Bearer ([A-Za-z0-9_\-.~+/]{16,200}=*)$/.exec(header)?.[1];
    if (secret === undefined) throw unauthorized('The Authorization header must be "Bearer <token>"');
    const { principal, reason } = await this.tokens.authenticate(secret);
    if (!principal) throw unauthorized(`The access token is not valid: ${String(reason)}`);
    request.principal = principal;
    setActor({ tokenId: principal.tokenId, role: principal.role });

    if (!roles.includes(principal.role)) throw new ProblemException(problem(403, `The role ${principal.role} may not do this`));
    const params = request.params;
    if (principal.role !== 'admin' && params.clusterId !== undefined && params.clusterId !== principal.clusterId) throw notFound();
    if (principal.role === 'member' && params.memberId !== undefined && params.memberId !== principal.memberId) throw notFound();
    return true;
  }
}
