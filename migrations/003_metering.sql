-- Interval read model: one row per PPE and Warsaw day, values in arrays indexed by the
-- interval's position in the day (92, 96 or 100 quarter-hours; 23, 24 or 25 hours).
-- A NULL element is a missing interval. One row per day instead of per interval cuts
-- rows written at ingest by 96x and serves the month reads of the settlement directly.
CREATE TABLE meter_days (
  cluster_id       text        NOT NULL,
  ppe_code         text        NOT NULL,
  day              date        NOT NULL,
  day_start        timestamptz NOT NULL,
  interval_minutes smallint    NOT NULL,
  import_wh        bigint[]    NOT NULL,
  export_wh        bigint[]    NOT NULL,
  -- one character per interval: m measured, e estimated, s substituted, - missing
  quality          text        NOT NULL,
  present          integer     NOT NULL,
  corrections      integer     NOT NULL DEFAULT 0,
  PRIMARY KEY (cluster_id, ppe_code, day)
);
CREATE INDEX meter_days_cluster_day ON meter_days (cluster_id, day);
