import { describe, expect, it } from 'vitest';
import { V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import {
  decideLease,
  leaseRecordOf,
  leaseSpecAfter,
  observeLease,
  releasedLeaseSpec,
  type LeaseDecision,
  type LeaseRecord,
  type ObservedLease,
} from '../../../src/controllers/lease-decision.js';

const now = Date.UTC(2026, 0, 1, 12, 0, 0);
const me = 'operator-a_1';
/** Readings of the candidate's monotonic clock (ms since its process started): no wall clock enters the decision. */
const mono = 50_000;
const seen = (record: Omit<LeaseRecord, 'version'>, sinceMs: number): ObservedLease => ({ record: { ...record, version: '7' }, sinceMs });

describe('decideLease', () => {
  it.each<{ name: string; observed: ObservedLease; want: LeaseDecision }>([
    { name: 'renews a lease it holds', observed: seen({ holderIdentity: me, leaseDurationSeconds: 15 }, mono - 5_000), want: { action: 'renew' } },
    {
      name: 'renews a lease it holds even long after it last saw it change (no one took it)',
      observed: seen({ holderIdentity: me, leaseDurationSeconds: 15 }, mono - 60_000),
      want: { action: 'renew' },
    },
    {
      name: 'acquires a released lease (no holder) at once',
      observed: seen({ holderIdentity: '', leaseDurationSeconds: 1 }, mono),
      want: { action: 'acquire' },
    },
    { name: 'acquires a lease whose holder field is absent', observed: seen({}, mono), want: { action: 'acquire' } },
    {
      name: 'waits a full lease duration for a held lease it has only just seen, however old its renewTime',
      observed: seen({ holderIdentity: 'other', leaseDurationSeconds: 15 }, mono),
      want: { action: 'wait', holder: 'other', expiresAtMs: mono + 15_000 },
    },
    {
      name: 'waits while the lease changed less than its duration ago',
      observed: seen({ holderIdentity: 'other', leaseDurationSeconds: 15 }, mono - 14_999),
      want: { action: 'wait', holder: 'other', expiresAtMs: mono + 1 },
    },
    {
      name: 'acquires a lease that has not changed for exactly its duration since it was seen changing',
      observed: seen({ holderIdentity: 'other', leaseDurationSeconds: 15 }, mono - 15_000),
      want: { action: 'acquire' },
    },
    {
      name: "counts the holder's lease duration, not its own",
      observed: seen({ holderIdentity: 'other', leaseDurationSeconds: 40 }, mono - 20_000),
      want: { action: 'wait', holder: 'other', expiresAtMs: mono + 20_000 },
    },
    {
      name: 'uses the default duration when the lease has none',
      observed: seen({ holderIdentity: 'other' }, mono - 10_000),
      want: { action: 'wait', holder: 'other', expiresAtMs: mono + 5_000 },
    },
  ])('$name', ({ observed, want }) => {
    expect(decideLease(observed, me, mono)).toEqual(want);
  });
});

describe('observeLease', () => {
  const record = (version: string): LeaseRecord => ({ holderIdentity: 'other', leaseDurationSeconds: 15, version });

  it('starts the count at the first read', () => {
    expect(observeLease(undefined, record('1'), mono)).toEqual({ record: record('1'), sinceMs: mono });
  });

  it('keeps counting while the lease is unchanged', () => {
    const first = observeLease(undefined, record('1'), mono);
    expect(observeLease(first, record('1'), mono + 9_000)).toBe(first);
  });

  it('restarts the count when the lease changed', () => {
    const first = observeLease(undefined, record('1'), mono);
    expect(observeLease(first, record('2'), mono + 9_000)).toEqual({ record: record('2'), sinceMs: mono + 9_000 });
  });
});

/**
 * A standby reading, every 2 s of its monotonic clock, a Lease that a holder renews every 2 s for 60 s and then no more.
 * The holder's renewTime is stamped by its own wall clock, `skewMs` away from the standby's: it changes nothing.
 */
describe('a standby facing a holder with a skewed clock', () => {
  it.each([
    { name: 'an hour behind', skewMs: -3_600_000 },
    { name: 'a few seconds behind', skewMs: -5_000 },
    { name: 'in step', skewMs: 0 },
    { name: 'a few seconds ahead', skewMs: 5_000 },
    { name: 'an hour ahead', skewMs: 3_600_000 },
  ])('waits while a holder $name renews, and takes over 15 s after its last renewal was seen', ({ skewMs }) => {
    let observed: ObservedLease | undefined;
    const acquiredAt: number[] = [];
    for (let t = 0; t <= 90_000; t += 2_000) {
      const renewals = Math.min(t, 60_000) / 2_000;
      const spec = { holderIdentity: 'holder', leaseDurationSeconds: 15, renewTime: new V1MicroTime(now + skewMs + renewals * 2_000) };
      observed = observeLease(observed, leaseRecordOf({ metadata: { resourceVersion: String(renewals) }, spec }), t);
      if (decideLease(observed, 'standby', t).action === 'acquire') acquiredAt.push(t);
    }
    expect(acquiredAt[0]).toBe(76_000);
  });
});

describe('leaseRecordOf', () => {
  it('reads the holder, the duration, and the resourceVersion as the version', () => {
    const lease: V1Lease = { metadata: { resourceVersion: '42' }, spec: { holderIdentity: 'x', leaseDurationSeconds: 15 } };
    expect(leaseRecordOf(lease)).toEqual({ holderIdentity: 'x', leaseDurationSeconds: 15, version: '42' });
  });

  it('tells versions apart by the spec when there is no resourceVersion', () => {
    const at = (ms: number): V1Lease => ({ spec: { holderIdentity: 'x', renewTime: new V1MicroTime(ms) } });
    expect(leaseRecordOf(at(now)).version).toBe(leaseRecordOf(at(now)).version);
    expect(leaseRecordOf(at(now)).version).not.toBe(leaseRecordOf(at(now + 2_000)).version);
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
    expect(decideLease(observeLease(undefined, leaseRecordOf({ spec }), mono), 'standby', mono)).toEqual({ action: 'acquire' });
  });
});
