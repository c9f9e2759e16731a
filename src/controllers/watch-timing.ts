/**
 * How long the operator trusts a quiet watch, in one place with the reasons. The figures hang on one fact of
 * kube-apiserver (k8s.io/apiserver storage/cacher, `defaultBookmarkFrequency`): a watch served from the watch cache
 * with `allowWatchBookmarks` gets a BOOKMARK about once a minute, and one 2 s before its `timeoutSeconds` end, even
 * when nothing changes. So a watch that has carried nothing for well over a minute is not quiet but dead: its
 * connection is stalled (a NAT or load balancer lost the flow, a half-open TCP peer) or the server has lost it.
 */

/** Server-side watch timeout, drawn per watch as client-go's reflector does (5–10 min), so reconnects spread out. */
export const WATCH_TIMEOUT_SECONDS = { min: 300, max: 600 } as const;

/** kube-apiserver's BOOKMARK interval on a watch from its cache (1.27 and later). */
export const BOOKMARK_INTERVAL_MS = 60_000;

/**
 * A watch (or a watch request still waiting for its response) that has received nothing for this long is given up
 * and the connection it runs on is checked: a BOOKMARK interval plus 30 s for a loaded apiserver or event loop.
 */
export const WATCH_PROGRESS_DEADLINE_MS = BOOKMARK_INTERVAL_MS + 30_000;

/**
 * How long the connection check (GET /version over the same connection) may take before the shared connection is
 * declared dead and replaced; an apiserver that answers at all answers /version in milliseconds.
 */
export const CONNECTION_PROBE_TIMEOUT_MS = 5_000;

/**
 * `/readyz` reports an informer unhealthy once it has heard nothing — no list, no accepted watch, no event or
 * BOOKMARK — for this long. A healthy watch is never silent for more than a BOOKMARK interval and a few seconds,
 * and a stalled one is replaced within {@link WATCH_PROGRESS_DEADLINE_MS} + {@link CONNECTION_PROBE_TIMEOUT_MS}, so
 * only a watch that cannot be re-established at all (apiserver unreachable, credentials failing) gets this far.
 */
export const WATCH_UNHEALTHY_AFTER_MS = 120_000;
