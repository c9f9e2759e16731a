import type { V1Lease } from '@kubernetes/client-node';
import { isConflict, isNotFound } from '../kube/errors.js';
import type { LeaseClient } from './lease-client.js';
import { decideLease, leaseRecordOf, leaseSpecAfter, observeLease, type ObservedLease } from './lease-decision.js';
import type { Logger } from './logging.js';

/** What one round of leader election works from: the Lease's address, who we are, and what we knew before it. */
export interface RoundInput {
  readonly client: LeaseClient;
  readonly name: string;
  readonly namespace: string;
  readonly identity: string;
  readonly leaseDurationSeconds: number;
  /** Set while leading: the Lease as our last successful write returned it, for the renewal fast path. */
  readonly written?: V1Lease;
  readonly observed?: ObservedLease;
  /** Wall-clock time, written as renewTime and acquireTime. */
  readonly wallNowMs: number;
  readonly monotonic: () => number;
  readonly logger: Logger;
}

/** How a round ended, and what it learnt: the Lease we wrote, the Lease as last seen changing. */
export interface Round {
  readonly result: 'held' | 'other-holder' | 'failed';
  readonly written?: V1Lease;
  readonly observed?: ObservedLease;
}

/**
 * One read-decide-write round, as client-go's tryAcquireOrRenew: create the Lease if absent, else read it, note
 * whether it changed since we last saw it ({@link observeLease}), decide ({@link decideLease}) and write. Writes carry
 * the resourceVersion that was read, so of two candidates racing for one Lease exactly one wins (the other gets 409).
 * Changes no state of its own: the caller applies the result only if the round finished in time.
 */
export async function leaseRound(i: RoundInput): Promise<Round> {
  const { client, name, namespace, identity, leaseDurationSeconds, wallNowMs, logger } = i;
  const wrote = (lease: V1Lease): Round =>
    ({ result: 'held', written: lease, observed: { record: leaseRecordOf(lease), sinceMs: i.monotonic() } });
  // client-go's fast path: a leader renews the Lease exactly as its last write left it, one PUT instead of a GET
  // and a PUT. Its resourceVersion makes the PUT fail (409) if anyone wrote since; then the full round decides.
  if (i.written) {
    try {
      const spec = leaseSpecAfter(i.written.spec, 'renew', identity, wallNowMs, leaseDurationSeconds);
      return wrote(await client.replaceNamespacedLease({ name, namespace, body: { ...i.written, spec } }));
    } catch (err) {
      logger.debug({ err }, 'optimistic lease renewal failed; reading the lease');
    }
  }
  let lease: V1Lease;
  try {
    lease = await client.readNamespacedLease({ name, namespace });
  } catch (err) {
    if (!isNotFound(err)) {
      logger.warn({ err }, 'reading the leader lease failed');
      return { result: 'failed' };
    }
    try {
      const spec = leaseSpecAfter(undefined, 'acquire', identity, wallNowMs, leaseDurationSeconds);
      return wrote(await client.createNamespacedLease({ namespace, body: { metadata: { name, namespace }, spec } }));
    } catch (createErr) {
      // 409 AlreadyExists: another candidate created it first.
      if (!isConflict(createErr)) logger.warn({ err: createErr }, 'creating the leader lease failed');
      return { result: 'failed' };
    }
  }
  const observed = observeLease(i.observed, leaseRecordOf(lease), i.monotonic());
  const decision = decideLease(observed, identity, i.monotonic(), leaseDurationSeconds);
  if (decision.action === 'wait') return { result: 'other-holder', observed };
  try {
    // The read's resourceVersion stays in metadata: the replace fails with 409 if anyone wrote in between.
    const spec = leaseSpecAfter(lease.spec, decision.action, identity, wallNowMs, leaseDurationSeconds);
    return wrote(await client.replaceNamespacedLease({ name, namespace, body: { ...lease, spec } }));
  } catch (err) {
    if (isConflict(err)) logger.debug('lease changed while we wrote it; retrying');
    else logger.warn({ err }, 'writing the leader lease failed');
    return { result: 'failed', observed };
  }
}
