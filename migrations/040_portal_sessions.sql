-- Portal sessions: the cookie carries a random session id, never the API token. Only the
-- id's SHA-256 is stored (a copy of this table opens no session); the session is bound
-- to its token, which is checked at every request (a revoked token ends it at once), and
-- to the CSRF token its pages' forms carry. Signing out deletes the row.
CREATE TABLE portal_sessions (
  session_hash text        PRIMARY KEY,
  token_id     uuid        NOT NULL REFERENCES access_tokens (token_id),
  csrf_token   text        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX portal_sessions_expires ON portal_sessions (expires_at);
