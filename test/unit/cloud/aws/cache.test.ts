import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../../../src/cloud/aws/cache.js';
import { FakeClock } from '../../../support/fake-clock.js';

const counting = <T>(value: T) => {
  const load = Object.assign(async () => {
    load.calls++;
    return value;
  }, { calls: 0 });
  return load;
};

describe('TtlCache', () => {
  it('loads once and serves the value until the TTL passes', async () => {
    const clock = new FakeClock();
    const cache = new TtlCache(clock);
    const load = counting('v');
    expect(await cache.getOrLoad('k', load, 1000)).toBe('v');
    await clock.advance(999);
    expect(await cache.getOrLoad('k', load, 1000)).toBe('v');
    expect(load.calls).toBe(1);
    await clock.advance(1);
    await cache.getOrLoad('k', load, 1000);
    expect(load.calls).toBe(2);
  });

  it('shares one load between concurrent callers of a key', async () => {
    const cache = new TtlCache(new FakeClock());
    const load = counting(1);
    await Promise.all([cache.getOrLoad('k', load, 1000), cache.getOrLoad('k', load, 1000), cache.getOrLoad('k', load, 1000)]);
    expect(load.calls).toBe(1);
  });

  it('takes the TTL from the loaded value when given a function', async () => {
    const clock = new FakeClock();
    const cache = new TtlCache(clock);
    const load = counting({ status: 'CREATING' });
    await cache.getOrLoad('k', load, (v) => (v.status === 'CREATING' ? 10 : 1000));
    await clock.advance(10);
    await cache.getOrLoad('k', load, 1000);
    expect(load.calls).toBe(2);
  });

  it('does not keep errors unless told to', async () => {
    const cache = new TtlCache(new FakeClock());
    let calls = 0;
    const failing = async (): Promise<never> => {
      calls++;
      throw new Error('boom');
    };
    await expect(cache.getOrLoad('k', failing, 1000)).rejects.toThrow('boom');
    await expect(cache.getOrLoad('k', failing, 1000)).rejects.toThrow('boom');
    expect(calls).toBe(2);
  });

  it('keeps an error for errorTtlMs (negative caching of NotFound)', async () => {
    const clock = new FakeClock();
    const cache = new TtlCache(clock);
    let calls = 0;
    const failing = async (): Promise<never> => {
      calls++;
      throw new Error('not found');
    };
    const opts = { errorTtlMs: () => 500 };
    await expect(cache.getOrLoad('k', failing, 1000, opts)).rejects.toThrow();
    await expect(cache.getOrLoad('k', failing, 1000, opts)).rejects.toThrow();
    expect(calls).toBe(1);
    await clock.advance(500);
    await expect(cache.getOrLoad('k', failing, 1000, opts)).rejects.toThrow();
    expect(calls).toBe(2);
  });

  it('forgets a key on invalidate, and a prefix on invalidatePrefix', async () => {
    const cache = new TtlCache(new FakeClock());
    const load = counting('v');
    await cache.getOrLoad('eks:a:1', load, 1000);
    await cache.getOrLoad('eks:a:2', load, 1000);
    await cache.getOrLoad('eks:b', load, 1000);
    cache.invalidatePrefix('eks:a:');
    expect(cache.freshKeys()).toEqual(['eks:b']);
    cache.invalidate('eks:b');
    expect(cache.freshKeys()).toEqual([]);
  });

  it('does not store a load that raced an invalidation (a write happened meanwhile)', async () => {
    const cache = new TtlCache(new FakeClock());
    let release!: (v: string) => void;
    const stale = cache.getOrLoad('k', () => new Promise<string>((r) => (release = r)), 1000);
    cache.invalidate('k'); // our write lands while the read is in flight
    const fresh = counting('after-write');
    const next = cache.getOrLoad('k', fresh, 1000); // does not join the stale load
    release('before-write');
    expect(await stale).toBe('before-write');
    expect(await next).toBe('after-write');
    expect(cache.peek('k')).toBe('after-write');
    expect(fresh.calls).toBe(1);
  });

  it('set stores a known value with its own TTL; peek never loads', async () => {
    const clock = new FakeClock();
    const cache = new TtlCache(clock);
    expect(cache.peek('k')).toBeUndefined();
    cache.set('k', 42, 100);
    expect(cache.peek('k')).toBe(42);
    await clock.advance(100);
    expect(cache.peek('k')).toBeUndefined();
  });
});
