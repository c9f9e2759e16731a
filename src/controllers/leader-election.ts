import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { V1Lease } from '@kubernetes/client-node';
import { sleep, systemClock, type Clock } from './clock.js';
import type { LeaseClient } from './lease-client.js';
import { releasedLeaseSpec, type ObservedLease } from './lease-decision.js';
import { leaseRound, type Round } from './lease-round.js';
import type { Logger } from './logging.js';

export { leaseClientOf, type LeaseClient } from './lease-client.js';

/** Options for {@link LeaderElector}; durations default to client-go's (15 s / 10 s / 2 s). */
export interface LeaderElectorOptions {
  readonly client: LeaseClient;
  readonly namespace: string;
  readonly name: string;
  /** Unique per process. Default `hostname_uuid`: pods with hostNetwork share a hostname and may share a pid. */
  readonly identity?: string;
  readonly leaseDurationSeconds?: number;
  /** A leader that has not renewed for this long steps down. Must be shorter than the lease duration. */
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
  /** Timers, and the wall-clock renewTime and acquireTime written into the Lease for people and tools to read. */
  readonly clock?: Clock;
  /**
   * Milliseconds on this process's monotonic clock (default `performance.now`). The lease's expiry and the renew
   * deadline are measured on it alone, so neither another node's clock nor a step of our own wall clock moves them.
   */
  readonly monotonic?: () => number;
  readonly logger: Logger;
}

/** Called as leadership changes. `onStoppedLeading` means leadership was lost, not released by {@link LeaderElector.release}. */
export interface LeaderCallbacks {
  onStartedLeading(): void;
  /** Stop working for now: the elector goes on to campaign again. */
  onStoppedLeading(): void;
}

type Attempt = Round['result'];

/**
 * Lease-based leader election: acquire the Lease when it is absent, released or expired, renew it every retry
 * period, step down when renewal has failed for the renew deadline or another holder took it, and campaign again.
 * Safety rests on local monotonic clocks only: a standby waits the lease duration from when it saw the Lease last
 * change, and a leader stops once the renew deadline, which is shorter, has passed since its last successful renewal
 * began. Reconciles already running when a leader stops have the difference (5 s by default) to finish.
 */
export class LeaderElector {
  readonly identity: string;
  readonly #o: LeaderElectorOptions;
  readonly #clock: Clock;
  readonly #monotonic: () => number;
  readonly #durationSeconds: number;
  readonly #renewDeadlineMs: number;
  readonly #retryPeriodMs: number;
  readonly #stop = new AbortController();
  #leading = false;
  /** The Lease as our last successful write returned it (for the renewal fast path). */
  #written: V1Lease | undefined;
  #observed: ObservedLease | undefined;
  /** Monotonic time at which our last successful write started: the renew deadline counts from it. */
  #renewedAt = 0;
  #loop: Promise<void> = Promise.resolve();

  constructor(options: LeaderElectorOptions) {
    this.#o = options;
    this.identity = options.identity ?? `${hostname()}_${randomUUID()}`;
    this.#clock = options.clock ?? systemClock;
    this.#monotonic = options.monotonic ?? (() => performance.now());
    this.#durationSeconds = options.leaseDurationSeconds ?? 15;
    this.#renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.#retryPeriodMs = options.retryPeriodMs ?? 2_000;
  }

  /** True between `onStartedLeading` and losing or releasing the lease. */
  isLeader(): boolean {
    return this.#leading;
  }

  /** Campaigns, leads, and after a loss campaigns again, in the background until stopped; settles when the loop ends. Call once. */
  run(callbacks: LeaderCallbacks): Promise<void> {
    this.#loop = this.#elect(callbacks);
    return this.#loop;
  }

  /** Ends the loop and, if leading, hands the Lease over at once. Never throws: a failed release only delays takeover. */
  async release(): Promise<void> {
    if (!(await this.#end())) return;
    const { client, name, namespace, logger } = this.#o;
    try {
      const lease = await client.readNamespacedLease({ name, namespace });
      if (lease.spec?.holderIdentity !== this.identity) return;
      const body = { ...lease, spec: releasedLeaseSpec(lease.spec, this.#clock.now()) };
      await client.replaceNamespacedLease({ name, namespace, body });
      logger.info({ lease: `${namespace}/${name}` }, 'released leader lease');
    } catch (err) {
      logger.warn({ err }, 'releasing the leader lease failed; the standby takes over when it expires');
    }
  }

  /**
   * Ends the loop but keeps the Lease: a standby takes over only once it expires. For a process whose work may still
   * be writing: by then the process has exited, and that work with it.
   */
  async stop(): Promise<void> {
    await this.#end();
  }

  /** Stops the loop; true if we were leading. */
  async #end(): Promise<boolean> {
    this.#stop.abort();
    await this.#loop.catch(() => undefined);
    const leading = this.#leading;
    this.#leading = false;
    return leading;
  }

  async #elect(callbacks: LeaderCallbacks): Promise<void> {
    const { logger } = this.#o;
    while (await this.#acquire()) {
      this.#leading = true;
      // Stopped while the winning write was in flight: release() hands the lease straight back.
      if (this.#stop.signal.aborted) return;
      logger.info({ identity: this.identity }, 'became leader');
      callbacks.onStartedLeading();
      const lost = await this.#renewUntilLost();
      if (lost === undefined) return;
      this.#leading = false;
      logger.error({ identity: this.identity, result: lost }, 'lost leadership; standing by to campaign again');
      callbacks.onStoppedLeading();
      // The round that lost has just read the Lease: the next one is a retry period away, as for any standby.
      await sleep(this.#clock, this.#retryPeriodMs, this.#stop.signal);
    }
  }

  /** Tries every retry period until the Lease is ours (true) or the elector is stopped (false). */
  async #acquire(): Promise<boolean> {
    for (;;) {
      if (this.#stop.signal.aborted) return false;
      if ((await this.#attempt(this.#renewDeadlineMs)) === 'held') return true;
      await sleep(this.#clock, this.#retryPeriodMs, this.#stop.signal);
    }
  }

  /** Renews every retry period; returns why leadership was lost, or undefined once stopped. */
  async #renewUntilLost(): Promise<Attempt | undefined> {
    for (;;) {
      await sleep(this.#clock, this.#retryPeriodMs, this.#stop.signal);
      if (this.#stop.signal.aborted) return undefined;
      const remainingMs = this.#renewedAt + this.#renewDeadlineMs - this.#monotonic();
      const result = remainingMs > 0 ? await this.#attempt(remainingMs) : 'failed';
      if (this.#stop.signal.aborted) return undefined;
      if (result === 'other-holder' || this.#monotonic() - this.#renewedAt >= this.#renewDeadlineMs) return result;
    }
  }

  /** One {@link leaseRound}, abandoned after `timeoutMs` so a hung request cannot outlive the renew deadline. */
  async #attempt(timeoutMs: number): Promise<Attempt> {
    const startedAt = this.#monotonic();
    let timer: unknown;
    const timeout = new Promise<Round>((resolve) => {
      timer = this.#clock.setTimeout(() => resolve({ result: 'failed' }), timeoutMs);
    });
    try {
      const { client, name, namespace, logger } = this.#o;
      const round = await Promise.race([timeout, leaseRound({
        client, name, namespace, logger, identity: this.identity, leaseDurationSeconds: this.#durationSeconds,
        ...(this.#leading && this.#written ? { written: this.#written } : {}),
        ...(this.#observed ? { observed: this.#observed } : {}),
        wallNowMs: this.#clock.now(), monotonic: this.#monotonic,
      })]);
      // A round abandoned at its timeout may still finish; only a round that finished in time changes what we know.
      this.#written = round.written;
      if (round.observed) this.#observed = round.observed;
      if (round.result === 'held') this.#renewedAt = startedAt;
      return round.result;
    } finally {
      this.#clock.clearTimeout(timer);
    }
  }
}
