-- Idempotency-Key is claimed before the request runs (a row with no answer yet), so of
-- concurrent requests with one key exactly one executes, across service processes: the
-- others wait for its answer. One row per key and token.
ALTER TABLE idempotency_keys ALTER COLUMN status DROP NOT NULL, ALTER COLUMN body DROP NOT NULL;
ALTER TABLE idempotency_keys ADD COLUMN completed_at timestamptz;
-- json, not jsonb: a repeat gets the first answer as it was written, keys in their order
ALTER TABLE idempotency_keys ALTER COLUMN body TYPE json USING body::json;
UPDATE idempotency_keys SET completed_at = created_at;
-- the race this closes could leave two answers for one key: keep the first
DELETE FROM idempotency_keys a USING idempotency_keys b
 WHERE a.key = b.key AND a.token_id IS NOT DISTINCT FROM b.token_id AND (a.created_at, a.request_hash) > (b.created_at, b.request_hash);
CREATE UNIQUE INDEX idempotency_keys_scope ON idempotency_keys (key, coalesce(token_id, '00000000-0000-0000-0000-000000000000'::uuid));
