-- Months closed per cluster (from SettlementPeriodClosed), for checks that must not reach
-- back into them, whichever event store holds the events.
CREATE TABLE settlement_closed_months (
  cluster_id text NOT NULL,
  month      text NOT NULL,
  closed_at  timestamptz NOT NULL,
  PRIMARY KEY (cluster_id, month)
);
