import type { V1Lease, V1LeaseSpec } from '@kubernetes/client-node';

/** A Lease's MicroTime: RFC 3339 with microseconds, as client-node's V1MicroTime (whose import pulls in its models). */
class MicroTime extends Date {
  override toISOString(): string {
    return `${super.toISOString().slice(0, -1)}000Z`;
  }
}

/** The parts of a Lease that decide who may hold it. */
export interface LeaseRecord {
  readonly holderIdentity?: string;
  readonly leaseDurationSeconds?: number;
  /**
   * Changes with every write to the Lease: its resourceVersion. Any write is a sign of life of its writer, even one
   * whose renewTime a stopped or stepped clock left unchanged (client-go compares the record's bytes instead).
   */
  readonly version: string;
}

/**
 * A Lease as this process last saw it change, and when, on this process's own monotonic clock (client-go's
 * observedRecord and observedTime). The lease's expiry is counted from that local reading only: the holder's
 * renewTime comes from another node's wall clock, and comparing it with ours lets clock skew end a healthy lease.
 */
export interface ObservedLease {
  readonly record: LeaseRecord;
  /** Monotonic milliseconds at which this process first read `record.version`. */
  readonly sinceMs: number;
}

/** What a candidate should do with a Lease it has just read. `expiresAtMs` is on the candidate's monotonic clock. */
export type LeaseDecision =
  | { readonly action: 'renew' }
  | { readonly action: 'acquire' }
  | { readonly action: 'wait'; readonly holder: string; readonly expiresAtMs: number };

/** What is known after reading `record` at monotonic `nowMs`: the count restarts only when the record changed. */
export function observeLease(previous: ObservedLease | undefined, record: LeaseRecord, nowMs: number): ObservedLease {
  return previous?.record.version === record.version ? previous : { record, sinceMs: nowMs };
}

/**
 * Decides, purely, whether `identity` may write the Lease at monotonic `nowMs`, by client-go's rules: renew it if it
 * already holds it; acquire it if it has no holder (released) or has not changed for its lease duration since this
 * process saw it change; else wait. A candidate that has just started therefore waits one full lease duration
 * before taking a lease that someone holds, however old its renewTime looks.
 */
export function decideLease(observed: ObservedLease, identity: string, nowMs: number, defaultDurationSeconds = 15): LeaseDecision {
  const holder = observed.record.holderIdentity ?? '';
  if (holder === identity) return { action: 'renew' };
  if (holder === '') return { action: 'acquire' };
  const expiresAtMs = observed.sinceMs + (observed.record.leaseDurationSeconds ?? defaultDurationSeconds) * 1000;
  return nowMs >= expiresAtMs ? { action: 'acquire' } : { action: 'wait', holder, expiresAtMs };
}

/** Reads a Lease as a {@link LeaseRecord}; without a resourceVersion the spec itself tells versions apart. */
export function leaseRecordOf(lease: V1Lease): LeaseRecord {
  const spec = lease.spec ?? {};
  return {
    holderIdentity: spec.holderIdentity,
    leaseDurationSeconds: spec.leaseDurationSeconds,
    version: lease.metadata?.resourceVersion ?? JSON.stringify(spec),
  };
}

/**
 * The spec to write after `decision` (renew or acquire); acquiring from another holder counts one transition.
 * `nowMs` is wall-clock time: renewTime and acquireTime are for people and tools to read, not for the decision.
 */
export function leaseSpecAfter(
  old: V1LeaseSpec | undefined,
  decision: 'renew' | 'acquire',
  identity: string,
  nowMs: number,
  leaseDurationSeconds: number,
): V1LeaseSpec {
  const now = new MicroTime(nowMs);
  if (decision === 'renew') return { ...old, holderIdentity: identity, renewTime: now, leaseDurationSeconds };
  return {
    holderIdentity: identity,
    acquireTime: now,
    renewTime: now,
    leaseDurationSeconds,
    leaseTransitions: old === undefined ? 0 : (old.leaseTransitions ?? 0) + 1,
  };
}

/**
 * The spec a leader writes when it steps down gracefully, as client-go's ReleaseOnCancel does: no holder and a
 * one-second duration, so a standby takes over on its next retry instead of waiting out the full lease.
 */
export function releasedLeaseSpec(old: V1LeaseSpec | undefined, nowMs: number): V1LeaseSpec {
  const now = new MicroTime(nowMs);
  return { holderIdentity: '', acquireTime: now, renewTime: now, leaseDurationSeconds: 1, leaseTransitions: old?.leaseTransitions ?? 0 };
}
