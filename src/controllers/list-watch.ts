import type { Informer, KubernetesListObject, KubernetesObject, ObjectCache } from '@kubernetes/client-node';
import { ListWatchLoop, type WatchLike } from './list-watch-loop.js';

export type { WatchLike } from './list-watch-loop.js';
import { StreamWatch, type WatchOpener } from '../kube/watch.js';
import type { Clock } from './clock.js';
import { WATCH_PROGRESS_DEADLINE_MS, WATCH_TIMEOUT_SECONDS } from './watch-timing.js';

export { WATCH_TIMEOUT_SECONDS } from './watch-timing.js';

/** A (paged) list call that passes every item through `each`, page by page, e.g. `KubeClient.listKind`. */
export type TransformingList<T extends KubernetesObject> = (each?: (item: T) => T) => Promise<KubernetesListObject<T>>;

/** What an informer (list-watch-loop.ts) is built from. `delay` is its reconnect sleep. */
export interface InformerSource<T extends KubernetesObject> {
  readonly path: string;
  readonly list: TransformingList<T>;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly delay: (ms: number) => Promise<void>;
  /**
   * Trims each object before it is cached (client-go's SetTransform): keeping only the fields a reconciler reads
   * keeps memory flat on clusters with thousands of nodes. Applied to each list page as it arrives (so a 5,000-node
   * list never sits in memory untrimmed) and to every watch event.
   */
  readonly transform?: <T extends KubernetesObject>(obj: T) => T;
  /**
   * The watch's Accept header, e.g. METADATA_ONLY_WATCH (kube/metadata-only.ts): the list must then ask for the same
   * representation. Default: full objects as JSON.
   */
  readonly watchAccept?: string;
  /**
   * True when `next` (transformed) differs from the cached object in nothing a reader needs: the cached object is kept
   * as it is (its resourceVersion may then be older than the watch's) and no update is emitted. Readers that compare
   * cached objects by identity (node-details.ts) then see a heartbeat as nothing at all.
   */
  readonly unchanged?: (cached: T, next: T) => boolean;
  /**
   * Cut each watch event's metadata.managedFields from its text before parsing (kube/watch.ts): for kinds whose
   * transform drops it and whose readers never look at it. Lists are parsed whole (they are rare).
   */
  readonly dropManagedFields?: boolean;
  /** Called whenever a watch shows it is alive: the apiserver accepted it, or it delivered an event or a BOOKMARK. */
  readonly progress?: () => void;
  /** Called when a watch has carried nothing for {@link WATCH_PROGRESS_DEADLINE_MS} and is given up. */
  readonly stalled?: () => void;
}

/** Builds the underlying list-watch; production uses {@link listWatchFactory}, unit tests a fake. */
export type InformerFactory = <T extends KubernetesObject>(source: InformerSource<T>) => Informer<T> & ObjectCache<T>;

/** What the watches run on; `KubeClient` is one. */
export interface WatchTransport extends WatchOpener {
  /** Checks the shared connection after a watch went silent, and replaces it if it does not answer. */
  checkConnection?(): Promise<unknown>;
}

/**
 * client-node's `makeInformer`, with our own loop (list-watch-loop.ts) and watch ({@link StreamWatch}, on the
 * transport's shared connection). The loop's reconnect sleep is `s.delay` ({@link stoppableDelay}, which never ends
 * once stopped), and the loop looks at `stopped` after it too, so a stop during the sleep opens no further watch. A
 * silent watch has the transport check the connection.
 */
export function listWatchFactory(transport: WatchTransport): InformerFactory {
  return (s) => {
    const stalled = (): Promise<unknown> | undefined => {
      s.stalled?.();
      return transport.checkConnection?.();
    };
    const hooks = { ...(s.progress ? { progress: s.progress } : {}), stalled };
    const watch = configuredWatch(new StreamWatch(transport, s.watchAccept, s.dropManagedFields === true), s.transform, Math.random, hooks);
    return new ListWatchLoop(s.path, watch, () => s.list(s.transform), s.labelSelector, s.fieldSelector, s.delay, s.unchanged);
  };
}

type Transform = InformerSource<KubernetesObject>['transform'];

/** What a configured watch reports beside its events. */
export interface WatchHooks {
  /** See {@link InformerSource.progress}. */
  readonly progress?: () => void;
  /** The watch passed its progress deadline; its end is reported to the loop only once the returned promise settles. */
  readonly stalled?: () => Promise<unknown> | undefined;
}

/**
 * The loop, as client-node's ListWatch (2.0.1), asks for no bookmarks and no server timeout, and a watch is aborted after 30 s without a
 * line: every quiet watch (most of ours) was re-opened twice a minute. Here the apiserver ends each watch after
 * {@link WATCH_TIMEOUT_SECONDS} and sends a BOOKMARK about every minute meanwhile, so Watch's inactivity timeout
 * becomes a progress deadline ({@link WATCH_PROGRESS_DEADLINE_MS}): past it the watch is dead, not quiet. The loop
 * re-opens a timed-out watch at once, on the same connection; `stalled` first checks (and if need be replaces) that
 * connection, since over HTTP/2 one stalled connection stalls every watch and request. Only the objects handed to the
 * cache are trimmed; BOOKMARK and ERROR objects pass through untouched.
 */
export function configuredWatch<W extends WatchLike>(watch: W, transform: Transform, random: () => number = Math.random, hooks: WatchHooks = {}): W {
  const inner = watch.watch.bind(watch);
  // The inactivity timeout, also the wait for the response (public on StreamWatch; private in client-node Watch's typings).
  (watch as unknown as { requestTimeoutMs: number }).requestTimeoutMs = WATCH_PROGRESS_DEADLINE_MS;
  watch.watch = async (path, params, callback, done) => {
    const { min, max } = WATCH_TIMEOUT_SECONDS;
    const timeoutSeconds = Math.floor(min + random() * (max - min));
    const cb: typeof callback = (phase, obj, raw) => {
      hooks.progress?.();
      const cached = transform && (phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED');
      callback(phase, cached ? transform(obj as KubernetesObject) : obj, raw);
    };
    let ended = false;
    const end: typeof done = (err) => {
      ended = true;
      const checking = (err as { name?: unknown } | null)?.name === 'TimeoutError' ? hooks.stalled?.() : undefined;
      if (checking) void checking.catch(() => undefined).finally(() => done(err));
      else done(err);
    };
    const controller = await inner(path, { ...params, allowWatchBookmarks: true, timeoutSeconds }, cb, end);
    // Watch returns once the apiserver answered 200, or after it reported the failure through `done`.
    if (!ended) hooks.progress?.();
    return controller;
  };
  return watch;
}

/**
 * A sleep on `clock` that stays pending forever (holding no timer) once `signal` aborts: whatever awaited it is
 * abandoned rather than resumed, which is what a stopped informer wants.
 */
export const stoppableDelay =
  (clock: Clock, signal: AbortSignal) =>
  (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (signal.aborted) return;
      const onAbort = (): void => clock.clearTimeout(handle);
      const handle = clock.setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
