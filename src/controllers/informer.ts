import type { Informer, KubernetesObject, ObjectCache } from '@kubernetes/client-node';
import { exponentialBackoff, type BackoffOptions } from './backoff.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { stoppableDelay, type InformerFactory, type TransformingList } from './list-watch.js';
import { restartCapMs } from './informer-restart.js';
import type { Logger } from './logging.js';
import type { Predicate } from './predicates.js';
import { WATCH_PROGRESS_DEADLINE_MS, WATCH_UNHEALTHY_AFTER_MS } from './watch-timing.js';

/** client-go's MetaNamespaceKeyFunc: `namespace/name`, or `name` for cluster-scoped objects. */
export const objectKey = (obj: KubernetesObject): string =>
  obj.metadata?.namespace ? `${obj.metadata.namespace}/${obj.metadata.name ?? ''}` : (obj.metadata?.name ?? '');

/** Options for {@link ControllerInformer}. */
export interface ControllerInformerOptions<T extends KubernetesObject> {
  /** API path to watch, e.g. `/api/v1/namespaces/kube-system/configmaps`. */
  readonly path: string;
  /** The list call, passing each item through the transform it is given, e.g. `(each) => client.listKind('v1', 'ConfigMap', { namespace }, each)`. */
  readonly list: TransformingList<T>;
  /** Same selector as `list` uses, applied to the watch. */
  readonly labelSelector?: string;
  /** Same field selector as `list` uses (e.g. `metadata.name=x`, to watch one object). */
  readonly fieldSelector?: string;
  /** Trims objects before caching; see InformerSource.transform. */
  readonly transform?: <U extends KubernetesObject>(obj: U) => U;
  /** The watch's Accept header (InformerSource.watchAccept); `list` must ask for the same representation. */
  readonly watchAccept?: string;
  readonly factory: InformerFactory;
  /** The keys to reconcile when `obj` changes (its own key, or its owner's). */
  readonly keysFor: (obj: T) => readonly string[];
  readonly enqueue: (key: string) => void;
  /** See InformerSource.dropManagedFields. */
  readonly dropManagedFields?: boolean;
  /** See InformerSource.unchanged: such an update is not cached and not seen by updatePredicate. */
  readonly unchanged?: (cached: T, next: T) => boolean;
  /** Filters updates; adds and deletes always enqueue. Default: every update enqueues. */
  readonly updatePredicate?: Predicate<T>;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly random?: () => number;
  /** Restart delays after a failed list or watch. Default 1 s doubling to 5 s or 30 s, see {@link restartCapMs}. */
  readonly backoff?: Partial<BackoffOptions>;
}

/** An error more than this long after a (re)start means the informer had recovered: back off from the start again. */
const healthyAfterMs = 60_000;

/**
 * A cache kept current by list+watch that enqueues keys on change. ListWatch already relists on 410 Gone and
 * reconnects when a watch ends, but stops for good after any other error: this restarts it with backoff.
 */
export class ControllerInformer<T extends KubernetesObject> {
  /** Resolves once the first successful list has filled the cache, whatever its watch does afterwards. */
  readonly synced: Promise<void>;
  readonly #o: ControllerInformerOptions<T>;
  readonly #clock: Clock;
  readonly #inner: Informer<T> & ObjectCache<T>;
  readonly #previous = new Map<string, T>();
  readonly #stop = new AbortController();
  #markSynced: () => void = () => undefined;
  #hasSynced = false;
  #attempt = 0;
  #startedAt = 0;
  #heardAt = 0;
  #restart: TimerHandle | undefined;

  constructor(options: ControllerInformerOptions<T>) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.synced = new Promise((resolve) => (this.#markSynced = resolve));
    const list: TransformingList<T> = async (each) => this.#listed(await options.list(each));
    const delay = stoppableDelay(this.#clock, this.#stop.signal);
    const stalled = (): void => this.#o.logger.warn({ path: options.path, silentForMs: WATCH_PROGRESS_DEADLINE_MS },
      'watch silent past its progress deadline; checking the connection');
    this.#inner = options.factory({
      path: options.path, list, labelSelector: options.labelSelector, delay, progress: () => this.#heard(), stalled,
      ...(options.fieldSelector ? { fieldSelector: options.fieldSelector } : {}), ...(options.transform ? { transform: options.transform } : {}),
      ...(options.watchAccept ? { watchAccept: options.watchAccept } : {}), ...(options.unchanged ? { unchanged: options.unchanged } : {}),
      ...(options.dropManagedFields ? { dropManagedFields: true } : {}),
    });
    this.#inner.on('add', (obj) => this.#changed(undefined, obj));
    this.#inner.on('update', (obj) => this.#changed(this.#previous.get(objectKey(obj)), obj));
    this.#inner.on('delete', (obj) => {
      this.#previous.delete(objectKey(obj));
      this.#enqueue(obj);
    });
    this.#inner.on('error', (err) => this.#failed(err));
  }

  /** Starts listing and watching; keeps doing so, restarting after errors, until {@link ControllerInformer.stop}. */
  start(): void {
    this.#heardAt = this.#clock.now();
    void this.#run();
  }

  /** True once {@link ControllerInformer.synced} has resolved. */
  hasSynced(): boolean {
    return this.#hasSynced;
  }

  /**
   * False once nothing — no list, no accepted watch, no event or BOOKMARK — has arrived for
   * {@link WATCH_UNHEALTHY_AFTER_MS} since {@link ControllerInformer.start}: the cache may be that stale.
   */
  watchHealthy(): boolean {
    return this.#clock.now() - this.#heardAt <= WATCH_UNHEALTHY_AFTER_MS;
  }

  /** The cached object, if any. Cluster-scoped objects have no namespace. */
  get(name: string, namespace?: string): T | undefined {
    return this.#inner.get(name, namespace);
  }

  /** Every cached object, or those of one namespace. */
  list(namespace?: string): readonly T[] {
    return this.#inner.list(namespace);
  }

  /** Stops watching and cancels any pending restart. */
  async stop(): Promise<void> {
    this.#stop.abort();
    if (this.#restart !== undefined) this.#clock.clearTimeout(this.#restart);
    this.#restart = undefined;
    await this.#inner.stop();
  }

  async #run(): Promise<void> {
    this.#startedAt = this.#clock.now();
    try {
      await this.#inner.start();
    } catch (err) {
      // Watch.watch throws before any request when the kubeconfig has no cluster or auth fails.
      this.#failed(err);
    }
  }

  /**
   * Synced from the list itself, not from the watch that follows: a watch that fails before sending its request (an
   * exec-plugin or token-file error) restarts without a relist, so no later list would ever mark it. ListWatch fills
   * its cache in the promise continuations after the list returns; by the next macrotask the cache holds it.
   */
  #listed<R>(result: R): R {
    this.#heard();
    // ListWatch lists again only when a watch could not resume: the apiserver answered 410 Gone.
    if (this.#hasSynced) this.#o.logger.info({ path: this.#o.path }, 'relisted: the watch could not resume (410 Gone)');
    else {
      setImmediate(() => {
        this.#hasSynced = true;
        this.#markSynced();
      });
    }
    return result;
  }

  #heard(): void {
    this.#heardAt = this.#clock.now();
  }

  #failed(err: unknown): void {
    // Aborting the watch on stop() surfaces as an error too; it is not one.
    if (this.#stop.signal.aborted || this.#restart !== undefined) return;
    if (this.#clock.now() - this.#startedAt > healthyAfterMs) this.#attempt = 0;
    const ms = exponentialBackoff({ baseMs: 1000, capMs: restartCapMs(err), ...this.#o.backoff }, this.#attempt++, this.#o.random);
    this.#o.logger.warn({ err, path: this.#o.path, retryInMs: ms }, 'list/watch failed; restarting');
    this.#restart = this.#clock.setTimeout(() => {
      this.#restart = undefined;
      void this.#run();
    }, ms);
  }

  #changed(old: T | undefined, obj: T): void {
    // Only kept when a predicate needs it; the map holds the cache's own objects, so it costs one entry per object.
    if (this.#o.updatePredicate) this.#previous.set(objectKey(obj), obj);
    if (!this.#o.updatePredicate || this.#o.updatePredicate(old, obj)) this.#enqueue(obj);
  }

  #enqueue(obj: T): void {
    const keys = this.#o.keysFor(obj);
    // What woke a stack, at debug level (--log-level debug): the first question when an idle operator is busy.
    if (keys.length > 0) this.#o.logger.debug({ path: this.#o.path, object: objectKey(obj), keys }, 'change observed');
    for (const key of keys) this.#o.enqueue(key);
  }
}
