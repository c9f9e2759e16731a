import { ListWatch, Watch, type Informer, type KubeConfig, type KubernetesListObject, type KubernetesObject, type ObjectCache } from '@kubernetes/client-node';
import type { Clock } from './clock.js';

/** A (paged) list call that passes every item through `each`, page by page, e.g. `KubeClient.listKind`. */
export type TransformingList<T extends KubernetesObject> = (each?: (item: T) => T) => Promise<KubernetesListObject<T>>;

/** What a client-node informer is built from. `delay` replaces ListWatch's own reconnect sleep. */
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
}

/** Builds the underlying list-watch; production uses {@link listWatchFactory}, unit tests a fake. */
export type InformerFactory = <T extends KubernetesObject>(source: InformerSource<T>) => Informer<T> & ObjectCache<T>;

/**
 * client-node's `makeInformer`, plus the `delayFn` option that `makeInformer` does not pass through. ListWatch
 * (2.0.1) does not look at `stopped` after its reconnect sleep, so a stop during the sleep would still open one more
 * watch; with {@link stoppableDelay} that sleep never ends once stopped, so the watch is never opened. `watchConfig`
 * is what the watches authenticate with (KubeClient.watchConfig shares the client's connection pool).
 */
export const listWatchFactory =
  (watchConfig: KubeConfig): InformerFactory =>
  (s) =>
    new ListWatch(s.path, configuredWatch(new Watch(watchConfig), s.transform), () => s.list(s.transform), false, s.labelSelector, s.fieldSelector, { delayFn: s.delay });

type Transform = InformerSource<KubernetesObject>['transform'];

/** Server-side watch timeout, drawn per watch as client-go's reflector does (5–10 min), so reconnects spread out. */
export const WATCH_TIMEOUT_SECONDS = { min: 300, max: 600 } as const;

/**
 * ListWatch (2.0.1) asks for no bookmarks and no server timeout, and Watch aborts a watch after 30 s without a
 * line: every quiet watch (most of ours) was re-opened twice a minute. Here the apiserver ends each watch after
 * {@link WATCH_TIMEOUT_SECONDS} and sends bookmarks meanwhile; the client-side timeout only backs that up (a dead
 * connection). Only the objects handed to the cache are trimmed; BOOKMARK and ERROR objects pass through untouched.
 */
export function configuredWatch(watch: Watch, transform: Transform, random: () => number = Math.random): Watch {
  const inner = watch.watch.bind(watch);
  watch.watch = (path, params, callback, done) => {
    const { min, max } = WATCH_TIMEOUT_SECONDS;
    const timeoutSeconds = Math.floor(min + random() * (max - min));
    // Public at runtime (the inactivity timeout), private in Watch's typings.
    (watch as unknown as { requestTimeoutMs: number }).requestTimeoutMs = (timeoutSeconds + 60) * 1000;
    const cb: typeof callback = transform
      ? (phase, obj, raw) => callback(phase, phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED' ? transform(obj as KubernetesObject) : obj, raw)
      : callback;
    return inner(path, { ...params, allowWatchBookmarks: true, timeoutSeconds }, cb, done);
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
