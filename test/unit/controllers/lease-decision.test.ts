import { describe, expect, it } from 'vitest';
import { V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import {
  decideLease,
  leaseRecordOf,
  leaseSpecAfter,
  releasedLeaseSpec,
  type LeaseDecision,
  type LeaseRecord,
} from '../../../src/controllers/lease-decision.js';

const now = Date.UTC(2026, 0, 1, 12, 0, 0);
const me = 'operator-a_1';

describe('decideLease', () => {
  it.each<{ name: string; record: LeaseRecord; want: LeaseDecision }>([
    { name: 'renews a lease it holds', record: { holderIdentity: me, renewTimeMs: now - 5_000, leaseDurationSeconds: 15 }, want: { action: 'renew' } },
    { name: 'renews a lease it holds even past expiry (no one took it)', record: { holderIdentity: me, renewTimeMs: now - 60_000, leaseDurationSeconds: 15 }, want: { action: 'renew' } },
    { name: 'acquires a lease with no holder (released)', record: { holderIdentity: '', renewTimeMs: now, leaseDurationSeconds: 1 }, want: { action: 'acquire' } },
    { name: 'acquires a lease whose holder field is absent', record: {}, want: { action: 'acquire' } },
    { name: 'acquires a held lease that was never renewed', record: { holderIdentity: 'other' }, want: { action: 'acquire' } },
    { name: 'acquires a lease that expired exactly now', record: { holderIdentity: 'other', renewTimeMs: now - 15_000, leaseDurationSeconds: 15 }, want: { action: 'acquire' } },
    { name: 'acquires a lease that expired long ago', record: { holderIdentity: 'other', renewTimeMs: now - 3_600_000, leaseDurationSeconds: 15 }, want: { action: 'acquire' } },
    {
      name: 'waits for a lease another holder renewed within its duration',
      record: { holderIdentity: 'other', renewTimeMs: now - 14_999, leaseDurationSeconds: 15 },
      want: { action: 'wait', holder: 'other', expiresAtMs: now + 1 },
    },
    {
      name: 'uses the default duration when the lease has none',
      record: { holderIdentity: 'other', renewTimeMs: now - 10_000 },
      want: { action: 'wait', holder: 'other', expiresAtMs: now + 5_000 },
    },
    {
      name: 'waits for a renewTime ahead of our clock (skew) until it expires',
      record: { holderIdentity: 'other', renewTimeMs: now + 2_000, leaseDurationSeconds: 15 },
      want: { action: 'wait', holder: 'other', expiresAtMs: now + 17_000 },
    },
    { name: 'acquires a lease whose renewTime could not be parsed', record: { holderIdentity: 'other', renewTimeMs: Number.NaN }, want: { action: 'acquire' } },
  ])('$name', ({ record, want }) => {
    expect(decideLease(record, me, now)).toEqual(want);
  });
});

describe('leaseRecordOf', () => {
  it.each([
    { name: 'reads a renewTime left as a MicroTime string by client-node', renewTime: '2026-01-01T12:00:00.123456Z', want: now + 123 },
    { name: 'reads a renewTime given as a Date', renewTime: new Date(now), want: now },
    { name: 'leaves a missing renewTime undefined', renewTime: undefined, want: undefined },
  ])('$name', ({ renewTime, want }) => {
    const lease = { spec: { holderIdentity: 'x', leaseDurationSeconds: 15, renewTime } } as unknown as V1Lease;
    expect(leaseRecordOf(lease)).toEqual({ holderIdentity: 'x', renewTimeMs: want, leaseDurationSeconds: 15 });
  });
});

describe('lease specs', () => {
  const old = { holderIdentity: 'other', leaseTransitions: 4, leaseDurationSeconds: 15, acquireTime: new V1MicroTime(now - 99_000) };

  it('renewing moves only renewTime and keeps acquireTime and transitions', () => {
    const spec = leaseSpecAfter({ ...old, holderIdentity: me }, 'renew', me, now, 15);
    expect(spec).toMatchObject({ holderIdentity: me, leaseTransitions: 4, acquireTime: old.acquireTime });
    expect(spec.renewTime?.getTime()).toBe(now);
  });

  it('acquiring from another holder counts one transition and stamps acquire and renew times', () => {
    const spec = leaseSpecAfter(old, 'acquire', me, now, 15);
    expect(spec).toMatchObject({ holderIdentity: me, leaseTransitions: 5, leaseDurationSeconds: 15 });
    expect([spec.acquireTime?.getTime(), spec.renewTime?.getTime()]).toEqual([now, now]);
  });

  it('creating a lease starts at zero transitions', () => {
    expect(leaseSpecAfter(undefined, 'acquire', me, now, 15).leaseTransitions).toBe(0);
  });

  it('writes times as RFC 3339 with microseconds, as MicroTime requires', () => {
    expect(JSON.stringify(leaseSpecAfter(undefined, 'acquire', me, now, 15).renewTime)).toBe('"2026-01-01T12:00:00.000000Z"');
  });

  it('a released lease has no holder and a one-second duration, so a standby takes it at once', () => {
    const spec = releasedLeaseSpec({ ...old, holderIdentity: me }, now);
    expect(spec).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 4 });
    expect(decideLease(leaseRecordOf({ spec }), 'standby', now)).toEqual({ action: 'acquire' });
  });
});
