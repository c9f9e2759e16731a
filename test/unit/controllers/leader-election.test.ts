import { describe, expect, it } from 'vitest';
import { ApiException, V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import { LeaderElector, type LeaseClient } from '../../../src/controllers/leader-election.js';
import { createLogger } from '../../../src/controllers/logging.js';
import { FakeClock, settle } from '../../support/fake-clock.js';

const logger = createLogger({ level: 'silent' });
const ref = { name: 'metricsstack-operator', namespace: 'metricsstack-system' };

/**
 * One Lease with the apiserver's optimistic-concurrency rule (a replace with a stale resourceVersion gets 409),
 * recording each call. Just enough to drive the elector's timing here; two real processes on the real apiserver
 * are the integration test.
 */
class LeaseStore implements LeaseClient {
  lease: V1Lease | undefined;
  calls: string[] = [];
  failWith: unknown;
  #version = 0;

  put(spec: V1Lease['spec']): void {
    this.lease = { metadata: { ...ref, resourceVersion: String(++this.#version) }, spec };
  }
  async readNamespacedLease(): Promise<V1Lease> {
    this.calls.push('read');
    if (this.failWith) throw this.failWith;
    if (!this.lease) throw new ApiException(404, 'not found', {}, {});
    return structuredClone(this.lease);
  }
  async createNamespacedLease(p: { body: V1Lease }): Promise<V1Lease> {
    this.calls.push('create');
    if (this.failWith) throw this.failWith;
    if (this.lease) throw new ApiException(409, 'already exists', {}, {});
    this.put(p.body.spec);
    return structuredClone(this.lease!);
  }
  async replaceNamespacedLease(p: { body: V1Lease }): Promise<V1Lease> {
    this.calls.push('replace');
    if (this.failWith) throw this.failWith;
    if (p.body.metadata?.resourceVersion !== this.lease?.metadata?.resourceVersion) throw new ApiException(409, 'conflict', {}, {});
    this.put(JSON.parse(JSON.stringify(p.body.spec)) as V1Lease['spec']);
    return structuredClone(this.lease!);
  }
}

/** `wallSkewMs` moves only the wall clock the elector stamps renewTime with; timers and monotonic time stay true. */
function setup(store = new LeaseStore(), identity = 'me', { clock = new FakeClock(), wallSkewMs = 0 } = {}) {
  const wall = { now: () => clock.now() + wallSkewMs, setTimeout: clock.setTimeout.bind(clock), clearTimeout: clock.clearTimeout.bind(clock) };
  const elector = new LeaderElector({ client: store, ...ref, identity, clock: wall, monotonic: () => clock.now(), logger });
  const events: string[] = [];
  const done = elector.run({ onStartedLeading: () => events.push('started'), onStoppedLeading: () => events.push('stopped') });
  return { clock, elector, store, events, done };
}

describe('LeaderElector', () => {
  it('creates an absent Lease and leads at once', async () => {
    const { store, events, elector } = setup();
    await settle();
    expect(store.calls).toEqual(['read', 'create']);
    expect(store.lease?.spec).toMatchObject({ holderIdentity: 'me', leaseTransitions: 0, leaseDurationSeconds: 15 });
    expect(events).toEqual(['started']);
    expect(elector.isLeader()).toBe(true);
    await elector.release();
  });

  it('waits while another holder renews, then takes the lease once it expires, counting a transition', async () => {
    const store = new LeaseStore();
    const clock0 = new FakeClock();
    store.put({ holderIdentity: 'other', renewTime: new V1MicroTime(clock0.now()), leaseDurationSeconds: 15, leaseTransitions: 2 });
    const { clock, events, elector } = setup(store);
    await clock.advance(14_000);
    expect(events).toEqual([]);
    expect(store.calls.every((c) => c === 'read')).toBe(true);
    await clock.advance(2_000);
    expect(events).toEqual(['started']);
    expect(store.lease?.spec).toMatchObject({ holderIdentity: 'me', leaseTransitions: 3 });
    await elector.release();
  });

  it('renews every retry period while leading, with one replace from the lease it last wrote (no read)', async () => {
    const { clock, store, elector } = setup();
    await clock.advance(6_000);
    expect(store.calls).toEqual(['read', 'create', 'replace', 'replace', 'replace']);
    expect(new Date(store.lease!.spec!.renewTime!).getTime()).toBe(clock.now());
    await elector.release();
  });

  it('steps down once renewals have failed for the renew deadline', async () => {
    const { clock, store, events, elector, done } = setup();
    await clock.advance(0);
    store.failWith = new ApiException(503, 'unavailable', {}, {});
    await clock.advance(8_000);
    expect(events).toEqual(['started']);
    await clock.advance(2_000);
    expect(events).toEqual(['started', 'stopped']);
    expect(elector.isLeader()).toBe(false);
    await elector.stop();
    await done;
    expect(clock.pending()).toBe(0);
  });

  it('steps down at once when another holder has taken the lease: the optimistic renewal gets 409, the read shows the holder', async () => {
    const { clock, store, events, elector, done } = setup();
    await clock.advance(0);
    store.put({ holderIdentity: 'other', renewTime: new V1MicroTime(clock.now()), leaseDurationSeconds: 15 });
    store.calls = [];
    await clock.advance(2_000);
    expect(store.calls).toEqual(['replace', 'read']);
    expect(store.lease?.spec?.holderIdentity).toBe('other');
    expect(events).toEqual(['started', 'stopped']);
    await elector.stop();
    await done;
  });

  it('after an outage longer than the renew deadline campaigns again and, with the lease still its own, leads at once', async () => {
    const { clock, store, events, elector } = setup();
    await clock.advance(0);
    store.failWith = new ApiException(503, 'unavailable', {}, {});
    await clock.advance(20_000);
    expect(events).toEqual(['started', 'stopped']);
    store.failWith = undefined;
    await clock.advance(2_000);
    expect(events).toEqual(['started', 'stopped', 'started']);
    expect(store.lease?.spec).toMatchObject({ holderIdentity: 'me', leaseTransitions: 0 });
    await elector.release();
  });

  it('after losing the lease to another holder waits it out like any standby, then leads again', async () => {
    const { clock, store, events, elector } = setup();
    await clock.advance(0);
    store.put({ holderIdentity: 'other', renewTime: new V1MicroTime(clock.now()), leaseDurationSeconds: 15 });
    await clock.advance(2_000);
    expect(events).toEqual(['started', 'stopped']);
    await clock.advance(14_000);
    expect(events).toEqual(['started', 'stopped']);
    await clock.advance(2_000);
    expect(events).toEqual(['started', 'stopped', 'started']);
    await elector.release();
  });

  it.each([
    { name: 'a standby whose wall clock runs an hour ahead', leaderSkewMs: 0, standbySkewMs: 3_600_000 },
    { name: 'a standby facing a leader whose wall clock runs an hour behind', leaderSkewMs: -3_600_000, standbySkewMs: 0 },
  ])('$name never takes a lease that is being renewed, and takes it a lease duration after renewals stop', async ({ leaderSkewMs, standbySkewMs }) => {
    const store = new LeaseStore();
    const clock = new FakeClock();
    const leader = setup(store, 'leader', { clock, wallSkewMs: leaderSkewMs });
    await clock.advance(0);
    const standby = setup(store, 'standby', { clock, wallSkewMs: standbySkewMs });
    await clock.advance(60_000);
    expect([leader.events, standby.events]).toEqual([['started'], []]);
    await leader.elector.stop();
    const stoppedAt = clock.now();
    while (standby.events.length === 0) await clock.advance(500);
    expect(clock.now() - stoppedAt).toBeGreaterThanOrEqual(15_000);
    expect(clock.now() - stoppedAt).toBeLessThanOrEqual(17_000);
    await standby.elector.release();
  });

  it('on stop keeps the lease, for a standby to take once it expires', async () => {
    const { clock, store, elector, done } = setup();
    await clock.advance(2_000);
    await elector.stop();
    await done;
    expect(store.lease?.spec).toMatchObject({ holderIdentity: 'me', leaseDurationSeconds: 15 });
    expect(clock.pending()).toBe(0);
  });

  it('falls back to reading the lease when the optimistic renewal fails for another reason, and keeps leading', async () => {
    const { clock, store, events, elector } = setup();
    await clock.advance(0);
    const replace = store.replaceNamespacedLease.bind(store);
    let failures = 1;
    store.replaceNamespacedLease = async (p) => {
      if (failures-- > 0) {
        store.calls.push('replace');
        throw new ApiException(500, 'etcd timeout', {}, {});
      }
      return replace(p);
    };
    store.calls = [];
    await clock.advance(4_000);
    expect(store.calls).toEqual(['replace', 'read', 'replace', 'replace']);
    expect(events).toEqual(['started']);
    await elector.release();
  });

  it('on release hands the lease over at once and leaves no timers', async () => {
    const { clock, store, elector, done } = setup();
    await clock.advance(2_000);
    await elector.release();
    await done;
    expect(store.lease?.spec).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    expect(clock.pending()).toBe(0);
    const standby = setup(store, 'standby');
    await standby.clock.advance(0);
    expect(standby.events).toEqual(['started']);
    await standby.elector.release();
  });

  it('lets exactly one of two candidates win a race for the same lease', async () => {
    const store = new LeaseStore();
    const a = setup(store, 'a');
    const b = setup(store, 'b');
    await a.clock.advance(0);
    await b.clock.advance(0);
    expect([a.events, b.events].filter((e) => e.includes('started'))).toHaveLength(1);
    await Promise.all([a.elector.release(), b.elector.release()]);
  });
});
