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
