-- A late file changes a day, not the month: the provisional settlement keeps what each day
-- gave before pricing (settlement_day_parts, written with the month), the projection marks
-- the days readings arrived for (settlement_dirty_days), and a month whose marks since it
-- was stored are all days is computed again for those days alone. A mark that is not a day
-- (a contract, which reaches every month it can deliver in) moves whole_seq: the whole
-- month is computed again. Marks from before this migration count as whole-month marks.
ALTER TABLE settlement_dirty_months ADD COLUMN whole_seq bigint NOT NULL DEFAULT 0;
UPDATE settlement_dirty_months SET whole_seq = seq;

CREATE TABLE settlement_dirty_days (
  cluster_id text   NOT NULL,
  month      text   NOT NULL,
  day        date   NOT NULL,
  seq        bigint NOT NULL,
  PRIMARY KEY (cluster_id, month, day)
);

-- One row a day of a stored month: each member's totals before pricing (the arrays of
-- month-calculation.ts SettlementPart, in the order of the month's members, whose SHA-256
-- is members_digest), replaced with the month.
CREATE TABLE settlement_day_parts (
  cluster_id     text NOT NULL,
  month          text NOT NULL,
  day            date NOT NULL,
  members_digest text NOT NULL,
  part           json NOT NULL,
  PRIMARY KEY (cluster_id, month, day)
);
