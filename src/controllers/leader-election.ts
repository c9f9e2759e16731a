import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { V1Lease } from '@kubernetes/client-node';
import type { ObjectClient } from '../kube/client.js';
import { isConflict, isNotFound } from '../kube/errors.js';
import { sleep, systemClock, type Clock } from './clock.js';
import { decideLease, leaseRecordOf, leaseSpecAfter, releasedLeaseSpec } from './lease-decision.js';
import type { Logger } from './logging.js';

/** The three coordination.k8s.io/v1 calls leader election makes; {@link leaseClientOf} makes one from a KubeClient. */
export interface LeaseClient {
  readNamespacedLease(param: { name: string; namespace: string }): Promise<V1Lease>;
  createNamespacedLease(param: { namespace: string; body: V1Lease }): Promise<V1Lease>;
  replaceNamespacedLease(param: { name: string; namespace: string; body: V1Lease }): Promise<V1Lease>;
}

const LEASE = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' } as const;

export const leaseClientOf = (c: Pick<ObjectClient, 'read' | 'create' | 'replace'>): LeaseClient => ({
  readNamespacedLease: ({ name, namespace }) => c.read({ ...LEASE, metadata: { name, namespace } }),
  createNamespacedLease: ({ namespace, body }) => c.create({ ...body, ...LEASE, metadata: { ...body.metadata, namespace } }),
  replaceNamespacedLease: ({ name, namespace, body }) => c.replace({ ...body, ...LEASE, metadata: { ...body.metadata, name, namespace } }),
});

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
  readonly clock?: Clock;
  readonly logger: Logger;
}

/** Called as leadership changes. `onStoppedLeading` means leadership was lost, not released by {@link LeaderElector.release}. */
export interface LeaderCallbacks {
  onStartedLeading(): void;
  onStoppedLeading(): void;
}

type Attempt = 'held' | 'other-holder' | 'failed';

/**
 * Lease-based leader election: acquire the Lease when it is absent, released or expired, renew it every retry
 * period, and step down when renewal has failed for the renew deadline or another holder took it. Writes carry
 * the resourceVersion that was read, so of two candidates racing for one Lease exactly one wins (the other gets 409).
 */
export class LeaderElector {
  readonly identity: string;
  readonly #o: LeaderElectorOptions;
  readonly #clock: Clock;
  readonly #durationSeconds: number;
  readonly #renewDeadlineMs: number;
  readonly #retryPeriodMs: number;
  readonly #stop = new AbortController();
  #leading = false;
  /** The Lease as our last successful write returned it (for the renewal fast path). */
  #observed: V1Lease | undefined;
  #loop: Promise<void> = Promise.resolve();

  constructor(options: LeaderElectorOptions) {
    this.#o = options;
    this.identity = options.identity ?? `${hostname()}_${randomUUID()}`;
    this.#clock = options.clock ?? systemClock;
    this.#durationSeconds = options.leaseDurationSeconds ?? 15;
    this.#renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.#retryPeriodMs = options.retryPeriodMs ?? 2_000;
  }

  /** True between `onStartedLeading` and losing or releasing the lease. */
  isLeader(): boolean {
    return this.#leading;
  }

  /** Campaigns, then renews, in the background; the returned promise settles when the loop ends. Call once. */
  run(callbacks: LeaderCallbacks): Promise<void> {
    this.#loop = this.#campaign(callbacks);
    return this.#loop;
  }

  /** Ends the loop and, if leading, hands the Lease over at once. Never throws: a failed release only delays takeover. */
  async release(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    if (!this.#leading) return;
    this.#leading = false;
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

  async #campaign(callbacks: LeaderCallbacks): Promise<void> {
    const { logger } = this.#o;
    // When the last successful write started: the renewTime it wrote, from which the deadline counts.
    let renewedAt: number;
    for (;;) {
      if (this.#stop.signal.aborted) return;
      renewedAt = this.#clock.now();
      if ((await this.#attempt(this.#renewDeadlineMs)) === 'held') break;
      await sleep(this.#clock, this.#retryPeriodMs, this.#stop.signal);
    }
    this.#leading = true;
    // Stopped while the winning write was in flight: release() hands the lease straight back.
    if (this.#stop.signal.aborted) return;
    logger.info({ identity: this.identity }, 'became leader');
    callbacks.onStartedLeading();
    for (;;) {
      await sleep(this.#clock, this.#retryPeriodMs, this.#stop.signal);
      if (this.#stop.signal.aborted) return;
      const startedAt = this.#clock.now();
      const remainingMs = renewedAt + this.#renewDeadlineMs - startedAt;
      const result = remainingMs > 0 ? await this.#attempt(remainingMs) : 'failed';
      if (result === 'held') renewedAt = startedAt;
      if (this.#stop.signal.aborted) return;
      if (result === 'other-holder' || this.#clock.now() - renewedAt >= this.#renewDeadlineMs) {
        this.#leading = false;
        logger.error({ identity: this.identity, result }, 'lost leadership');
        return callbacks.onStoppedLeading();
      }
    }
  }

  /** One read-decide-write round, abandoned after `timeoutMs` so a hung request cannot outlive the renew deadline. */
  async #attempt(timeoutMs: number): Promise<Attempt> {
    let timer: unknown;
    const timeout = new Promise<Attempt>((resolve) => {
      timer = this.#clock.setTimeout(() => resolve('failed'), timeoutMs);
    });
    try {
      return await Promise.race([this.#tryAcquireOrRenew(), timeout]);
    } finally {
      this.#clock.clearTimeout(timer);
    }
  }

  async #tryAcquireOrRenew(): Promise<Attempt> {
    const { client, name, namespace, logger } = this.#o;
    const now = this.#clock.now();
    // client-go's fast path: a leader renews the Lease exactly as its last write left it, one PUT instead of a GET
    // and a PUT. Its resourceVersion makes the PUT fail (409) if anyone wrote since; then the full round decides.
    const observed = this.#leading ? this.#observed : undefined;
    this.#observed = undefined;
    if (observed) {
      try {
        const spec = leaseSpecAfter(observed.spec, 'renew', this.identity, now, this.#durationSeconds);
        this.#observed = await client.replaceNamespacedLease({ name, namespace, body: { ...observed, spec } });
        return 'held';
      } catch (err) {
        logger.debug({ err }, 'optimistic lease renewal failed; reading the lease');
      }
    }
    try {
      const lease = await client.readNamespacedLease({ name, namespace });
      const decision = decideLease(leaseRecordOf(lease), this.identity, now, this.#durationSeconds);
      if (decision.action === 'wait') return 'other-holder';
      // The read's resourceVersion stays in metadata: the replace fails with 409 if anyone wrote in between.
      const spec = leaseSpecAfter(lease.spec, decision.action, this.identity, now, this.#durationSeconds);
      this.#observed = await client.replaceNamespacedLease({ name, namespace, body: { ...lease, spec } });
      return 'held';
    } catch (err) {
      if (isNotFound(err)) return this.#create(now);
      if (isConflict(err)) logger.debug('lease changed while we wrote it; retrying');
      else logger.warn({ err }, 'reading or writing the leader lease failed');
      return 'failed';
    }
  }

  async #create(now: number): Promise<Attempt> {
    const { client, name, namespace, logger } = this.#o;
    const spec = leaseSpecAfter(undefined, 'acquire', this.identity, now, this.#durationSeconds);
    try {
      const body = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec };
      this.#observed = await client.createNamespacedLease({ namespace, body });
      return 'held';
    } catch (err) {
      // 409 AlreadyExists: another candidate created it first.
      if (!isConflict(err)) logger.warn({ err }, 'creating the leader lease failed');
      return 'failed';
    }
  }
}
