/**
 * When the operator re-reads the few node fields that live outside metadata (spec.providerID, status.addresses,
 * status.daemonEndpoints): pure decisions for {@link NodeDetailsSource}. The node informer watches metadata only, so
 * a kubelet's heartbeat (status.conditions) is never parsed; these fields are set when a node registers (or when the
 * cloud controller initializes it) and do not change on heartbeats, so they are read again only when the node set
 * changed, a node was read before it had addresses, or the last full list is older than `maxAgeMs`.
 */

/** What is known of one node's details: when they were read, and whether it reported addresses by then. */
export interface DetailsEntry {
  readonly readAt: number;
  readonly complete: boolean;
}

export interface DetailsState {
  /** When the last full list completed; undefined before the first. */
  readonly listedAt?: number | undefined;
  readonly entries: ReadonlyMap<string, DetailsEntry>;
}

export interface DetailsTiming {
  /** A full list at least this often, for providerIDs and addresses changed after a node was first read. */
  readonly maxAgeMs: number;
  /** A node read before it had addresses (not yet initialized) is read again after this long. */
  readonly incompleteRetryMs: number;
  /** More nodes to read than this: one paged list is cheaper than that many GETs. */
  readonly maxReads: number;
}

/**
 * The full list every hour, not every 10 minutes: at 5,000 nodes one list (5,000 full Nodes, about 22 MB of JSON, then
 * trimmed) and its garbage collection cost several seconds of CPU (bench, 2026-12-07), for fields that only change
 * when a node is replaced or initialized — which the metadata watch sees at once (a new name, a new uid, the zone
 * labels a cloud controller sets with providerID: NodeDetailsSource reads that node again). providerID cannot
 * change once set; addresses and the kubelet port only with a kubelet restart on another IP or port.
 */
export const DETAILS_TIMING: DetailsTiming = { maxAgeMs: 60 * 60_000, incompleteRetryMs: 15_000, maxReads: 20 };

export type DetailsPlan =
  | { readonly kind: 'none' }
  | { readonly kind: 'read'; readonly names: readonly string[] }
  | { readonly kind: 'list' };

/** What to fetch so that `state` covers every node in `names` (the metadata cache's node names). */
export function planDetails(state: DetailsState, names: readonly string[], now: number, t: DetailsTiming = DETAILS_TIMING): DetailsPlan {
  if (state.listedAt === undefined || now - state.listedAt >= t.maxAgeMs) return { kind: 'list' };
  const due = names.filter((name) => {
    const e = state.entries.get(name);
    return !e || (!e.complete && now - e.readAt >= t.incompleteRetryMs);
  });
  if (due.length === 0) return { kind: 'none' };
  return due.length > t.maxReads ? { kind: 'list' } : { kind: 'read', names: due };
}

/** When the stacks should look again because some node had no addresses yet; undefined when none is waiting. */
export function retryAfterMs(state: DetailsState, names: readonly string[], now: number, t: DetailsTiming = DETAILS_TIMING): number | undefined {
  let soonest: number | undefined;
  for (const name of names) {
    const e = state.entries.get(name);
    if (!e || e.complete) continue;
    const wait = Math.max(0, e.readAt + t.incompleteRetryMs - now);
    soonest = soonest === undefined ? wait : Math.min(soonest, wait);
  }
  return soonest;
}
