// The portal's sessions (the portal_sessions table): the only place it is read and written.
// The cookie holds a random session id; its SHA-256 is stored, bound to the access token,
// with the session's CSRF token and its expiry.
import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { PG_POOL } from '../../database/pool.js';

/** A session ends this long after sign-in (and at once when its token is revoked or expires). */
export const SESSION_HOURS = 12;

export interface PortalSession {
  sessionId: string;
  tokenId: string;
  csrfToken: string;
  expiresAt: Date;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** A random secret: a session id, a CSRF token. */
export const newSessionSecret = () => randomBytes(32).toString('base64url');

@Injectable()
export class PortalSessions {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async create(tokenId: string, now = new Date()): Promise<PortalSession> {
    await this.pool.query('DELETE FROM portal_sessions WHERE expires_at <= $1', [now]);
    const session = { sessionId: newSessionSecret(), tokenId, csrfToken: newSessionSecret(), expiresAt: new Date(now.getTime() + SESSION_HOURS * 3_600_000) };
    await this.pool.query('INSERT INTO portal_sessions (session_hash, token_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)', [
      sha256(session.sessionId),
      tokenId,
      session.csrfToken,
      session.expiresAt,
    ]);
    return session;
  }

  async find(sessionId: string, now = new Date()): Promise<PortalSession | undefined> {
    const { rows } = await this.pool.query<{ token_id: string; csrf_token: string; expires_at: Date }>(
      'SELECT token_id, csrf_token, expires_at FROM portal_sessions WHERE session_hash = $1 AND expires_at > $2',
      [sha256(sessionId), now],
    );
    return rows[0] ? { sessionId, tokenId: rows[0].token_id, csrfToken: rows[0].csrf_token, expiresAt: rows[0].expires_at } : undefined;
  }

  async delete(sessionId: string): Promise<void> {
    await this.pool.query('DELETE FROM portal_sessions WHERE session_hash = $1', [sha256(sessionId)]);
  }
}
