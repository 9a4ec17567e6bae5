-- A stored month's day parts (each member's totals a day, about 330 KB of JSON a day for
-- 4,209 members) and its support ledger are written again at every recompute of the month
-- and read whole: compressing them (pglz, the TOAST default) cost 0.5-0.6 s of the 0.8 s
-- it took to write the 31 parts of a 10,000-PPE month, on this project's machine, and
-- saved little (numbers compress poorly). EXTERNAL: kept out of line, never compressed.
-- Rows already stored keep their form until the month is next computed.
ALTER TABLE settlement_day_parts ALTER COLUMN part SET STORAGE EXTERNAL;
ALTER TABLE settlement_cluster_months ALTER COLUMN support SET STORAGE EXTERNAL;
