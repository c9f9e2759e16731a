import {
  ListWatch,
  Watch,
  type Informer,
  type KubeConfig,
  type KubernetesObject,
  type ListPromise,
  type ObjectCache,
} from '@kubernetes/client-node';
import type { Clock } from './clock.js';

/** What a client-node informer is built from. `delay` replaces ListWatch's own reconnect sleep. */
export interface InformerSource<T extends KubernetesObject> {
  readonly path: string;
  readonly list: ListPromise<T>;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly delay: (ms: number) => Promise<void>;
  /**
   * Trims each object before it is cached (client-go's SetTransform): keeping only the fields a reconciler reads
   * keeps memory flat on clusters with thousands of nodes. Applied to list results and to every watch event.
   */
  readonly transform?: <T extends KubernetesObject>(obj: T) => T;
}

/** Builds the underlying list-watch; production uses {@link listWatchFactory}, unit tests a fake. */
export type InformerFactory = <T extends KubernetesObject>(source: InformerSource<T>) => Informer<T> & ObjectCache<T>;

/**
 * client-node's `makeInformer`, plus the `delayFn` option that `makeInformer` does not pass through. ListWatch
 * (2.0.1) does not look at `stopped` after its reconnect sleep, so a stop during the sleep would still open one more
 * watch; with {@link stoppableDelay} that sleep never ends once stopped, so the watch is never opened.
 */
export const listWatchFactory =
  (kubeConfig: KubeConfig): InformerFactory =>
  (s) =>
    new ListWatch(s.path, transformingWatch(new Watch(kubeConfig), s.transform), transformingList(s.list, s.transform), false, s.labelSelector, s.fieldSelector, { delayFn: s.delay });

type Transform = InformerSource<KubernetesObject>['transform'];

function transformingList<T extends KubernetesObject>(list: ListPromise<T>, transform: Transform): ListPromise<T> {
  if (!transform) return list;
  return async () => {
    const result = await list();
    return { ...result, items: result.items.map((o) => transform(o)) };
  };
}

function transformingWatch(watch: Watch, transform: Transform): Watch {
  if (!transform) return watch;
  const inner = watch.watch.bind(watch);
  // Only the object handed to the cache is trimmed; BOOKMARK and ERROR objects pass through untouched.
  watch.watch = (path, params, callback, done) =>
    inner(path, params, (phase, obj, raw) => callback(phase, phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED' ? transform(obj) : obj, raw), done);
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
