import type { Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import { ConnectionReplacedError, SharedConnection } from '../../../src/kube/shared-connection.js';
import { deferred } from '../../support/fake-clock.js';

/** Pools that record their destruction; the real replacement of a stalled connection is the integration suite's. */
function setup() {
  const made: { destroyedWith?: unknown }[] = [];
  const connection = new SharedConnection(async () => {
    const pool: { destroyedWith?: unknown } = {};
    made.push(pool);
    return { destroy: async (err: unknown) => void (pool.destroyedWith = err) } as unknown as Dispatcher;
  });
  return { connection, made };
}

describe('SharedConnection', () => {
  it('makes one pool on first use and hands the same one to every caller', async () => {
    const { connection, made } = setup();
    const [a, b] = await Promise.all([connection.get(), connection.get()]);
    expect(a).toBe(b);
    expect(made).toHaveLength(1);
  });

  it('keeps a pool that answers the check', async () => {
    const { connection, made } = setup();
    const pool = await connection.get();
    expect(await connection.check(async () => true)).toBe(false);
    expect(await connection.get()).toBe(pool);
    expect(made[0]!.destroyedWith).toBeUndefined();
  });

  it('replaces a pool that does not answer, failing what still runs on it, and dials a new one on next use', async () => {
    const { connection, made } = setup();
    const pool = await connection.get();
    expect(await connection.check(async () => false)).toBe(true);
    expect(made[0]!.destroyedWith).toBeInstanceOf(ConnectionReplacedError);
    expect(await connection.get()).not.toBe(pool);
    expect(made).toHaveLength(2);
  });

  it('runs one check at a time: callers that arrive meanwhile share its answer', async () => {
    const { connection, made } = setup();
    await connection.get();
    const answer = deferred<boolean>();
    let probes = 0;
    const first = connection.check(() => (probes++, answer.promise));
    const second = connection.check(async () => (probes++, true));
    answer.resolve(false);
    expect([await first, await second, probes, made.length]).toEqual([true, true, 1, 1]);
  });

  it('has nothing to check before the first request', async () => {
    const { connection, made } = setup();
    expect(await connection.check(async () => false)).toBe(false);
    expect(made).toHaveLength(0);
  });
});
