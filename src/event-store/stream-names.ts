// Which cluster a stream belongs to, from its id alone: the one rule the audit (export,
// verify, heads) and anything else that scopes the log to a cluster use.
//
// The rule: a stream of a cluster is named `{kind}-{clusterId}` or
// `{kind}-{clusterId}-{rest}`, where kind is lower-case words joined by dashes
// (`cluster`, `meter`, `trading`, `settlement`, `invoicing`, `ksef-outbox`, ...) and
// clusterId the UUID POST /clusters gave. Build every stream id with an exported function
// named `...StreamId` whose first argument is the cluster id; a stream that no cluster
// owns (shared by all, e.g. legal parameters) is built by a function of no arguments and
// its id is listed in SHARED_STREAM_IDS. src/event-store/stream-names.spec.ts finds every
// such function in src/ and fails on one that breaks the rule.

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const CLUSTER_STREAM = new RegExp(`^[a-z]+(?:-[a-z]+)*?-(${UUID})(?:-|$)`);

/**
 * Streams that belong to no cluster and that every cluster's settlement may read: a
 * cluster's auditor sees them with its own streams. Add the id here when adding one.
 */
export const SHARED_STREAM_IDS: readonly string[] = [];

/** The cluster a stream belongs to, or null for a stream of no cluster. */
export function clusterOfStream(streamId: string): string | null {
  return CLUSTER_STREAM.exec(streamId)?.[1] ?? null;
}

export function isSharedStream(streamId: string): boolean {
  return SHARED_STREAM_IDS.includes(streamId);
}

/** What a cluster's auditor sees: the cluster's own streams and the shared ones. */
export function streamOfCluster(streamId: string, clusterId: string): boolean {
  const owner = clusterOfStream(streamId);
  return owner === null ? isSharedStream(streamId) : owner === clusterId;
}
