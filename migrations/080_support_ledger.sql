-- The provisional settlement now carries the hourly support ledger and remembers the
-- version of the legal parameters (the legal-parameters stream) it used: a change of the
-- law makes it stale as a registry change does. Rows from before have no ledger and are
-- computed again on their next read.
ALTER TABLE settlement_cluster_months ADD COLUMN parameters_version integer NOT NULL DEFAULT -2;
ALTER TABLE settlement_cluster_months ADD COLUMN support jsonb;
