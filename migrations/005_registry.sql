-- Registry read model: each cluster's folded state (members, PPE with ownership over
-- time, agreement versions), kept by the registry projection.
CREATE TABLE registry_clusters (
  cluster_id     text PRIMARY KEY,
  name           text NOT NULL,
  state          jsonb NOT NULL,
  stream_version integer NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now()
);
