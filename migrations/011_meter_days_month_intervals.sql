-- A heat meter may report a whole month (up to 44,700 minutes): more than a smallint holds.
ALTER TABLE meter_days ALTER COLUMN interval_minutes TYPE integer;
