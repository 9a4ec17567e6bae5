// The portal's protections, apart from its pages so they hold whatever the pages become:
// - a server-side session: the cookie holds a random session id (its SHA-256 is stored,
//   bound to the access token, expiring); never the token itself;
// - every POST is refused (403) unless it comes from the portal's own origin (Origin, or
//   Referer without it) AND carries the CSRF token: the session's (synchronizer) once
//   signed in, before that the one in the kl_csrf cookie (double submit), as the form
//   field `_csrf` or the header `X-CSRF-Token`;
// - a Content-Security-Policy: scripts from the portal only, nothing inline.
// Pages put the token in their forms with withCsrf (PortalController.send does it). The
// sessions table is read and written by PortalSessions (queries/portal-sessions.ts).
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { newSessionSecret, type PortalSession, PortalSessions } from '../queries/portal-sessions.js';

export const SESSION_COOKIE = 'kl_session';
export const CSRF_COOKIE = 'kl_csrf';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export const PORTAL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

/** What the middleware leaves on each portal request. */
export interface PortalRequestState {
  session?: PortalSession;
  /** A session cookie came that names no live session (signed out, expired, revoked). */
  staleSession: boolean;
  /** The token this request's pages put in their forms. */
  csrfToken: string;
}

export function cookies(request: Request): Record<string, string> {
  const result: Record<string, string> = {};
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (!name) continue;
    try {
      result[name] = decodeURIComponent(rest.join('='));
    } catch {
      result[name] = rest.join('=');
    }
  }
  return result;
}

export function portalState(request: Request): PortalRequestState {
  return (request as Request & { portal?: PortalRequestState }).portal ?? { staleSession: false, csrfToken: '' };
}

export function cookieOptions(request: Request, maxAgeMs?: number) {
  return { httpOnly: true, sameSite: 'strict' as const, path: '/portal', secure: request.secure, ...(maxAgeMs ? { maxAge: maxAgeMs } : {}) };
}

function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The request's own origin as the browser sees it: the Host (X-Forwarded-Host behind a trusted proxy). */
function fromOwnOrigin(request: Request): boolean {
  const source = request.get('origin') ?? request.get('referer');
  if (!source || source === 'null') return false;
  try {
    return new URL(source).host === request.host;
  } catch {
    return false;
  }
}

function refuse(response: Response, reason: string): void {
  response
    .status(403)
    .type('application/problem+json')
    .send(JSON.stringify({ type: 'about:blank', title: 'Forbidden', status: 403, detail: reason }));
}

@Injectable()
export class PortalSecurityMiddleware implements NestMiddleware {
  constructor(@Inject(PortalSessions) private readonly sessions: PortalSessions) {}

  async use(request: Request, response: Response, next: NextFunction): Promise<void> {
    try {
      response.setHeader('content-security-policy', PORTAL_CSP);
      // with no-referrer (helmet's default) a browser sends `Origin: null` on a form POST,
      // even to its own site; same-origin keeps the origin for the portal's own requests
      response.setHeader('referrer-policy', 'same-origin');
      const jar = cookies(request);
      const sessionId = jar[SESSION_COOKIE];
      const session = sessionId ? await this.sessions.find(sessionId) : undefined;
      let preToken = jar[CSRF_COOKIE];
      if (!session && !preToken) {
        preToken = newSessionSecret();
        response.cookie(CSRF_COOKIE, preToken, cookieOptions(request));
      }
      const expected = session ? session.csrfToken : preToken;
      // without a session the pre-session token was read or made just above
      if (expected === undefined) throw new Error('the portal has neither a session nor a pre-session CSRF token');
      (request as Request & { portal?: PortalRequestState }).portal = { session, staleSession: Boolean(sessionId) && !session, csrfToken: expected };
      if (request.method === 'POST') {
        if (!fromOwnOrigin(request)) {
          refuse(response, 'The request does not come from the portal (Origin or Referer of another site, or none)');
          return;
        }
        const body = request.body as Record<string, unknown> | undefined;
        const sent = typeof body?.[CSRF_FIELD] === 'string' ? body[CSRF_FIELD] : request.get(CSRF_HEADER);
        if (!sameToken(sent, expected)) {
          refuse(response, 'The form has expired or did not come from the portal: reload the page and try again');
          return;
        }
      }
      next();
    } catch (error) {
      next(error);
    }
  }
}

/** Puts the CSRF token into every POST form of a page and into a meta tag for scripts. */
export function withCsrf(html: string, token: string): string {
  const safe = token.replace(/[^A-Za-z0-9_-]/g, '');
  return html
    .replace(/<form\b[^>]*\bmethod=["']?post["']?[^>]*>/gi, (tag) => `${tag}<input type="hidden" name="${CSRF_FIELD}" value="${safe}">`)
    .replace(/<\/head>/i, `<meta name="csrf-token" content="${safe}"></head>`);
}
