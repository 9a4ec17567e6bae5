-- Bearer tokens: only a SHA-256 of the secret is stored.
CREATE TABLE access_tokens (
  token_id    uuid PRIMARY KEY,
  token_hash  text NOT NULL UNIQUE,
  role        text NOT NULL CHECK (role IN ('admin', 'coordinator', 'member', 'auditor', 'meter-data')),
  cluster_id  text,
  member_id   text,
  label       text NOT NULL,
  expires_at  timestamptz,
  revoked_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  uuid,
  CHECK (role = 'admin' OR cluster_id IS NOT NULL),
  CHECK ((role = 'member') = (member_id IS NOT NULL))
);

-- Answers already given to a write carrying an Idempotency-Key.
CREATE TABLE idempotency_keys (
  key           text NOT NULL,
  token_id      uuid,
  request_hash  text NOT NULL,
  status        integer NOT NULL,
  body          jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (key, request_hash)
);
CREATE INDEX idempotency_keys_key ON idempotency_keys (key);
