import { systemClock, type Clock } from './clock.js';
import type { LeaderElector } from './leader-election.js';
import { controllerLogger, type Logger } from './logging.js';
import type { OperatorMetrics } from './metrics.js';
import { reconcileHandler } from './reconcile-handler.js';
import type { Reconciler } from './reconciler.js';
import type { WorkQueue } from './workqueue.js';

/** What the manager needs of an informer ({@link ControllerInformer} fits). */
export interface ManagedInformer {
  readonly synced: Promise<void>;
  start(): void;
  stop(): Promise<void>;
  /** False while the informer's watch has been down too long for its cache to be trusted (see ControllerInformer). */
  watchHealthy?(): boolean;
}

/** One controller: informers that feed keys into `queue`, and the reconciler that `workers` run for each key. */
export interface Controller {
  readonly name: string;
  readonly informers: readonly ManagedInformer[];
  /** Build it with `observer: metrics.queueObserver(name)` to get the queue metrics. */
  readonly queue: WorkQueue;
  readonly reconciler: Reconciler;
  readonly workers?: number;
}

/** Why the manager stopped: anything but `stopped` (the election loop broke, the caches never synced) means exit non-zero. */
export type ManagerExit = 'stopped' | 'failed' | 'cache-sync-timeout';

/** Options for {@link Manager}. */
export interface ManagerOptions {
  readonly controllers: readonly Controller[];
  /** `release` hands the lease over at once, `stop` keeps it until it expires. */
  readonly leaderElector?: Pick<LeaderElector, 'run' | 'release' | 'stop'>;
  readonly health?: { readyWhen(check: () => boolean): void; listen(): Promise<unknown>; close(): Promise<void> };
  readonly metrics?: OperatorMetrics;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** How long a graceful stop waits for in-flight reconciles; below the pod's 30 s termination grace. Default 20 s. */
  readonly shutdownTimeoutMs?: number;
  /**
   * How long the caches may take to sync after the informers start (controller-runtime's CacheSyncTimeout, whose
   * default this is: 2 min). Past it the manager stops — releasing the lease, so a standby can lead — and exits
   * `cache-sync-timeout`.
   */
  readonly cacheSyncTimeoutMs?: number;
}

type Phase = 'new' | 'standby' | 'syncing' | 'running' | 'stopping' | 'stopped';

/**
 * Runs controllers: health server → (with leader election) wait to lead → informers → all caches synced → workers.
 * Losing the lease (an apiserver outage longer than the renew deadline, or another holder) pauses the workers and
 * stands by to campaign again; the informers keep running, so the next term resumes the workers on warm caches.
 * The process, and /healthz, stay up: an outage costs no restart and no CrashLoopBackOff step.
 *
 * Readiness (`/readyz`): ready while standing by for the lease and while running with synced caches whose watches
 * are healthy; not ready while starting, syncing or stopping, or once an informer has heard nothing for too long
 * (WATCH_UNHEALTHY_AFTER_MS). A standby must be ready, or a rolling update with maxUnavailable 0 would wait for
 * a pod that cannot lead until the old pod, which the rollout will not remove, lets go.
 */
export class Manager {
  /** Settles once, when the manager has fully stopped, with the reason. */
  readonly done: Promise<ManagerExit>;
  readonly #o: ManagerOptions;
  readonly #clock: Clock;
  readonly #informers: readonly ManagedInformer[];
  #phase: Phase = 'new';
  /** Counts leadership terms, so that a term which ended while its caches synced never starts workers. */
  #term = 0;
  #workersStarted = false;
  #exit: (reason: ManagerExit) => void = () => undefined;
  readonly #stopping: Promise<void>;
  #signalStopping: () => void = () => undefined;
  readonly #running: Promise<void>;
  #signalRunning: () => void = () => undefined;
  #shutdown: Promise<void> | undefined;

  constructor(options: ManagerOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#informers = [...new Set(options.controllers.flatMap((c) => c.informers))];
    this.done = new Promise((resolve) => (this.#exit = resolve));
    this.#stopping = new Promise((resolve) => (this.#signalStopping = resolve));
    this.#running = new Promise((resolve) => (this.#signalRunning = resolve));
    options.health?.readyWhen(() => this.ready());
  }

  /** See the class comment for what ready means. */
  ready(): boolean {
    return this.#phase === 'standby' || (this.#phase === 'running' && this.#informers.every((i) => i.watchHealthy?.() ?? true));
  }

  /** Starts everything; resolves once workers first run, or early if the manager is stopped meanwhile. Call once. */
  async start(): Promise<void> {
    const { leaderElector, health, logger } = this.#o;
    if (this.#phase !== 'new') return;
    this.#phase = 'syncing';
    await health?.listen();
    if (!leaderElector) return this.#lead();
    this.#phase = 'standby';
    const callbacks = { onStartedLeading: () => void this.#lead(), onStoppedLeading: () => this.#standBy() };
    leaderElector.run(callbacks).catch((err: unknown) => {
      logger.error({ err }, 'leader election failed');
      void this.#stop('failed');
    });
    await this.#unlessStopped(this.#running);
  }

  /** Graceful stop (SIGTERM): drain workers, stop informers, release the lease, close the health server. */
  stop(): Promise<void> {
    return this.#stop('stopped');
  }

  /** A term begins: informers (the first time), all caches synced, then workers (started, or resumed). */
  async #lead(): Promise<void> {
    if (this.#phase === 'stopping' || this.#phase === 'stopped') return;
    const { controllers, metrics, logger } = this.#o;
    const term = ++this.#term;
    this.#phase = 'syncing';
    metrics?.setLeader(true);
    if (term === 1) for (const informer of this.#informers) informer.start();
    let unsynced = this.#informers.length;
    const syncTimeoutMs = this.#o.cacheSyncTimeoutMs ?? 120_000;
    const timer = this.#clock.setTimeout(() => {
      logger.error({ unsynced, timeoutMs: syncTimeoutMs }, 'caches did not sync in time; giving up leadership and exiting');
      void this.#stop('cache-sync-timeout');
    }, syncTimeoutMs);
    const synced = await this.#unlessStopped(Promise.all(this.#informers.map((i) => i.synced.then(() => { unsynced--; }))));
    this.#clock.clearTimeout(timer);
    if (!synced || term !== this.#term) return;
    logger.info('caches synced; starting workers');
    for (const c of controllers) {
      if (this.#workersStarted) c.queue.resume();
      else c.queue.process(reconcileHandler({ queue: c.queue, reconciler: c.reconciler, logger: controllerLogger(logger, c.name),
        clock: this.#clock, observer: metrics?.reconcileObserver(c.name) }), c.workers);
    }
    this.#workersStarted = true;
    this.#phase = 'running';
    this.#signalRunning();
  }

  /** Leadership lost: no reconcile starts until the next term (those in flight finish); keys keep queueing meanwhile. */
  #standBy(): void {
    if (this.#phase === 'stopping' || this.#phase === 'stopped') return;
    this.#term++;
    this.#phase = 'standby';
    this.#o.metrics?.setLeader(false);
    for (const c of this.#o.controllers) c.queue.pause();
    this.#o.logger.warn('workers paused until this replica leads again; informers keep running');
  }

  #stop(reason: ManagerExit): Promise<void> {
    this.#shutdown ??= this.#shutDown(reason);
    return this.#shutdown;
  }

  async #shutDown(reason: ManagerExit): Promise<void> {
    const { controllers, leaderElector, health, metrics, logger } = this.#o;
    this.#phase = 'stopping';
    this.#term++;
    this.#signalStopping();
    logger.info({ reason }, 'stopping');
    const drained = await this.#within(Promise.all(controllers.map((c) => c.queue.shutDown())), this.#o.shutdownTimeoutMs ?? 20_000);
    const stopInformer = (i: ManagedInformer): Promise<void> =>
      i.stop().catch((err: unknown) => logger.warn({ err }, 'stopping an informer failed'));
    await Promise.all(this.#informers.map(stopInformer));
    // A reconcile still running could write after a successor took over: then keep the lease, which expires only
    // a lease duration after its last renewal, long after this process (and that reconcile) has exited.
    await (drained ? leaderElector?.release() : leaderElector?.stop());
    metrics?.setLeader(false);
    await health?.close();
    this.#phase = 'stopped';
    this.#exit(reason);
  }

  /** Waits for `work` unless the manager starts stopping first; true if `work` won. */
  async #unlessStopped(work: Promise<unknown>): Promise<boolean> {
    await Promise.race([work, this.#stopping]);
    return this.#phase !== 'stopping' && this.#phase !== 'stopped';
  }

  /** True if `work` finished within `ms`. */
  async #within(work: Promise<unknown>, ms: number): Promise<boolean> {
    let timer: unknown;
    const timedOut = new Promise<boolean>((resolve) => (timer = this.#clock.setTimeout(() => resolve(true), ms)));
    const late = await Promise.race([work.then(() => false), timedOut]);
    if (late) this.#o.logger.warn({ ms }, 'reconciles still running at shutdown; keeping the lease until it expires');
    this.#clock.clearTimeout(timer);
    return !late;
  }
}
