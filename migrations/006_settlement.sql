-- Months whose provisional settlement must be computed again: marked by the settlement
-- projection in the same transaction as the events it reads; cleared by the recompute
-- only if no newer mark arrived meanwhile (seq).
CREATE TABLE settlement_dirty_months (
  cluster_id text    NOT NULL,
  month      text    NOT NULL,
  seq        bigint  NOT NULL,
  marked_through text,
  PRIMARY KEY (cluster_id, month)
);
CREATE SEQUENCE settlement_dirty_seq;

CREATE TABLE settlement_cluster_months (
  cluster_id        text        NOT NULL,
  month             text        NOT NULL,
  agreement_version integer,
  -- the inputs it was computed from: the registry stream version and the dirty mark seen
  registry_version  integer     NOT NULL,
  dirty_seq         bigint      NOT NULL DEFAULT 0,
  totals            jsonb       NOT NULL,
  computed_through  text,
  computed_at       timestamptz NOT NULL,
  PRIMARY KEY (cluster_id, month)
);

CREATE TABLE settlement_member_months (
  cluster_id        text        NOT NULL,
  month             text        NOT NULL,
  member_id         text        NOT NULL,
  agreement_version integer,
  statement         jsonb       NOT NULL,
  computed_through  text,
  computed_at       timestamptz NOT NULL,
  PRIMARY KEY (cluster_id, month, member_id)
);

-- Per-interval allocation of one member and day, for charts and disputes.
CREATE TABLE settlement_member_days (
  cluster_id       text        NOT NULL,
  month            text        NOT NULL,
  member_id        text        NOT NULL,
  day              date        NOT NULL,
  day_start        timestamptz NOT NULL,
  interval_minutes smallint    NOT NULL,
  import_wh        bigint[]    NOT NULL,
  export_wh        bigint[]    NOT NULL,
  self_consumed_wh bigint[]    NOT NULL,
  received_wh      bigint[]    NOT NULL,
  supplied_wh      bigint[]    NOT NULL,
  grid_import_wh   bigint[]    NOT NULL,
  grid_export_wh   bigint[]    NOT NULL,
  PRIMARY KEY (cluster_id, month, member_id, day)
);
