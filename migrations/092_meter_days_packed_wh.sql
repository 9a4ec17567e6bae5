-- meter_days keeps a day's Wh per interval as bytes, not bigint[]: 4 bytes a value, a
-- signed 32-bit integer in network byte order (int4send), -1 where no value was recorded
-- (src/metering/domain/packed-wh.ts; ADR 0009). Reading a month of 10,000 PPE as bigint[]
-- made PostgreSQL print 60 million numbers as text for Node to parse again; bytes go out
-- of a binary COPY as they are stored. Values never pass 250,000,000 Wh, so the cast to
-- integer fails loudly rather than lose anything. EXTERNAL: never compressed (a day of
-- minute data would pass the TOAST threshold), so a read copies and never inflates.
CREATE FUNCTION meter_days_packed_wh(values_wh bigint[]) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(string_agg(int4send(coalesce(v, -1)::integer), ''::bytea ORDER BY i), ''::bytea)
    FROM unnest(values_wh) WITH ORDINALITY AS u(v, i)
$$;
ALTER TABLE meter_days
  ALTER COLUMN import_wh TYPE bytea USING meter_days_packed_wh(import_wh),
  ALTER COLUMN export_wh TYPE bytea USING meter_days_packed_wh(export_wh);
DROP FUNCTION meter_days_packed_wh(bigint[]);
ALTER TABLE meter_days
  ALTER COLUMN import_wh SET STORAGE EXTERNAL,
  ALTER COLUMN export_wh SET STORAGE EXTERNAL,
  -- one value per quality character, in each direction
  ADD CONSTRAINT meter_days_values_per_interval CHECK (length(import_wh) = 4 * length(quality) AND length(export_wh) = 4 * length(quality));
