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
    new ListWatch(s.path, new Watch(kubeConfig), s.list, false, s.labelSelector, s.fieldSelector, { delayFn: s.delay });

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
