import { V1MicroTime, type V1Lease, type V1LeaseSpec } from '@kubernetes/client-node';

/** The parts of a Lease that decide who may hold it. Times in epoch milliseconds. */
export interface LeaseRecord {
  readonly holderIdentity?: string;
  readonly renewTimeMs?: number;
  readonly leaseDurationSeconds?: number;
}

/** What a candidate should do with a Lease it has just read. */
export type LeaseDecision =
  | { readonly action: 'renew' }
  | { readonly action: 'acquire' }
  | { readonly action: 'wait'; readonly holder: string; readonly expiresAtMs: number };

/**
 * Decides, purely, whether `identity` may write the Lease at `nowMs`: renew it if it already holds it; acquire it if it
 * has no holder (released), was never renewed, or expired (`renewTime + leaseDurationSeconds <= now`); else wait.
 * The expiry compares the holder's clock (renewTime) with ours, so clock skew between nodes shifts it; the
 * lease duration (15 s) is meant to dwarf the skew of NTP-synced nodes.
 */
export function decideLease(record: LeaseRecord, identity: string, nowMs: number, defaultDurationSeconds = 15): LeaseDecision {
  const holder = record.holderIdentity ?? '';
  if (holder === identity) return { action: 'renew' };
  if (holder === '' || record.renewTimeMs === undefined || Number.isNaN(record.renewTimeMs)) return { action: 'acquire' };
  const expiresAtMs = record.renewTimeMs + (record.leaseDurationSeconds ?? defaultDurationSeconds) * 1000;
  return nowMs >= expiresAtMs ? { action: 'acquire' } : { action: 'wait', holder, expiresAtMs };
}

/** Reads a Lease as a {@link LeaseRecord}. client-node 2.0.1 leaves MicroTime fields as strings, typed or not. */
export function leaseRecordOf(lease: V1Lease): LeaseRecord {
  const spec = lease.spec ?? {};
  const renew = spec.renewTime as Date | string | undefined;
  return {
    holderIdentity: spec.holderIdentity,
    renewTimeMs: renew === undefined ? undefined : new Date(renew).getTime(),
    leaseDurationSeconds: spec.leaseDurationSeconds,
  };
}

/** The spec to write after `decision` (renew or acquire); acquiring from another holder counts one transition. */
export function leaseSpecAfter(
  old: V1LeaseSpec | undefined,
  decision: 'renew' | 'acquire',
  identity: string,
  nowMs: number,
  leaseDurationSeconds: number,
): V1LeaseSpec {
  const now = new V1MicroTime(nowMs);
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
  const now = new V1MicroTime(nowMs);
  return { holderIdentity: '', acquireTime: now, renewTime: now, leaseDurationSeconds: 1, leaseTransitions: old?.leaseTransitions ?? 0 };
}
