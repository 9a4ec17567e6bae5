-- The registry's version of a cluster as one SQL function, owned by the registry module
-- (src/clusters) beside its table: the settlement's freshness check asks it inside its own
-- query (src/settlement/queries/cluster-months.ts) instead of reading it in a round trip of
-- its own first. A statement GET costs one query less; the table stays the registry's.
-- NULL for an unknown cluster. A plain SQL function: the planner inlines it.
CREATE FUNCTION registry_stream_version(p_cluster_id text) RETURNS integer
LANGUAGE sql STABLE AS $$
  SELECT stream_version FROM registry_clusters WHERE cluster_id = p_cluster_id
$$;
