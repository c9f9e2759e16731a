import PQueue from 'p-queue';
import { exponentialBackoff, type BackoffOptions } from './backoff.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';

/** Work done for one key. A rejection is treated as a failure and retried with backoff. */
export type KeyHandler = (key: string) => Promise<void>;

/** Receives queue gauges and counters; the metrics module implements it so the queue never imports prom-client. */
export interface QueueObserver {
  depth(waiting: number): void;
  retry(): void;
}

/** Construction options; every seam has a production default. */
export interface WorkQueueOptions {
  /** Keys processed at once (different keys only: one key never runs twice at a time). Default 2. */
  readonly concurrency?: number;
  readonly backoff?: Partial<BackoffOptions>;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly observer?: QueueObserver;
}

/**
 * A keyed work queue in the style of client-go's rate-limited workqueue, on top of p-queue.
 * A key waits at most once; a key added while it is being processed is marked dirty and runs once more after it
 * finishes, so two workers never hold the same key. Nothing runs until {@link WorkQueue.process} is called.
 */
export class WorkQueue {
  readonly #pq: PQueue;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #backoff: Partial<BackoffOptions>;
  readonly #observer: QueueObserver | undefined;
  readonly #waiting = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #delayed = new Map<string, { readonly at: number; readonly handle: TimerHandle }>();
  #handler: KeyHandler | undefined;
  #shuttingDown = false;

  constructor(options: WorkQueueOptions = {}) {
    this.#pq = new PQueue({ concurrency: options.concurrency ?? 2, autoStart: false });
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#backoff = options.backoff ?? {};
    this.#observer = options.observer;
  }

  /** Enqueues `key` now, unless it is already waiting (deduped) or being processed (then it runs again afterwards). */
  add(key: string): void {
    if (this.#shuttingDown) return;
    if (this.#processing.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#waiting.has(key)) return;
    this.#waiting.add(key);
    this.#observer?.depth(this.#waiting.size);
    void this.#pq.add(() => this.#work(key));
  }

  /** Enqueues `key` after `ms`. If the key already has an earlier pending add, that one stands. */
  addAfter(key: string, ms: number): void {
    if (this.#shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const at = this.#clock.now() + ms;
    const pending = this.#delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) this.#clock.clearTimeout(pending.handle);
    const handle = this.#clock.setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, ms);
    this.#delayed.set(key, { at, handle });
  }

  /** Enqueues `key` after a backoff that grows with the number of failures since it was last forgotten. */
  addRateLimited(key: string): void {
    if (this.#shuttingDown) return;
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    this.#observer?.retry();
    this.addAfter(key, exponentialBackoff(this.#backoff, failures, this.#random));
  }

  /** Resets the failure count of `key`: its next rate-limited add starts from the base delay again. */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  /** Failures of `key` since it was last forgotten. */
  retries(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Keys waiting to be processed (not counting delayed adds or keys in progress). */
  depth(): number {
    return this.#waiting.size;
  }

  /** True once {@link WorkQueue.shutDown} was called. */
  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Starts processing keys with `handler`, optionally changing the number of workers. Call once. */
  process(handler: KeyHandler, workers?: number): void {
    if (this.#handler) throw new Error('WorkQueue.process called twice');
    if (this.#shuttingDown) return;
    this.#handler = handler;
    if (workers !== undefined) this.#pq.concurrency = workers;
    this.#pq.start();
  }

  /**
   * Starts no handler until {@link WorkQueue.resume} (those running finish): a replica that lost the lease. Keys keep
   * arriving meanwhile and wait, one entry per key, so nothing that changed during the pause is missed.
   */
  pause(): void {
    this.#pq.pause();
  }

  /** Starts handlers again after {@link WorkQueue.pause}. */
  resume(): void {
    if (this.#handler && !this.#shuttingDown) this.#pq.start();
  }

  /**
   * Stops taking work: drops waiting keys and cancels every delayed add (no timer outlives the queue), then resolves
   * once in-flight handlers finish. Dropping is safe because the queue is level-triggered: a restart relists everything.
   */
  async shutDown(): Promise<void> {
    this.#shuttingDown = true;
    for (const { handle } of this.#delayed.values()) this.#clock.clearTimeout(handle);
    this.#delayed.clear();
    this.#pq.clear();
    this.#waiting.clear();
    this.#dirty.clear();
    this.#observer?.depth(0);
    await this.#pq.onIdle();
  }

  async #work(key: string): Promise<void> {
    this.#waiting.delete(key);
    this.#processing.add(key);
    this.#observer?.depth(this.#waiting.size);
    try {
      await this.#handler?.(key);
    } catch {
      // The reconcile handler never rejects; a bare handler that does is retried rather than dropped.
      this.addRateLimited(key);
    } finally {
      this.#processing.delete(key);
      if (this.#dirty.delete(key)) this.add(key);
    }
  }
}
