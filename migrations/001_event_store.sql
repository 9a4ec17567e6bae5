-- The event log. Append-only: UPDATE, DELETE and TRUNCATE are refused by triggers.
CREATE TABLE events (
  global_position bigserial PRIMARY KEY,
  -- the writing transaction: readers only see rows below the oldest running transaction,
  -- so an event that commits late is never skipped (see docs/adr/0003-xid8-cursor.md)
  transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
  event_id        uuid        NOT NULL UNIQUE,
  stream_id       text        NOT NULL,
  stream_position integer     NOT NULL CHECK (stream_position >= 0),
  type            text        NOT NULL,
  schema_version  integer     NOT NULL CHECK (schema_version >= 1),
  data            jsonb       NOT NULL,
  metadata        jsonb       NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  previous_hash   text        NOT NULL,
  hash            text        NOT NULL,
  UNIQUE (stream_id, stream_position)
);
CREATE INDEX events_read_all ON events (transaction_id, global_position);

CREATE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are immutable: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change();

-- Where each projection has got to, written in the same transaction as its read model.
CREATE TABLE projection_checkpoints (
  name       text PRIMARY KEY,
  version    integer NOT NULL,
  position   text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
