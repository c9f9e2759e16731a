import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/controllers/logging.js';
import { reconcileHandler } from '../../../src/controllers/reconcile-handler.js';
import { TerminalError, type ReconcileResult } from '../../../src/controllers/reconciler.js';
import { WorkQueue } from '../../../src/controllers/workqueue.js';
import { FakeClock, deferred, settle } from '../../support/fake-clock.js';

const logger = createLogger({ level: 'silent' });

/** A queue on a fake clock with jitter off, so backoff delays are exactly 200, 400, 800 ms… */
function setup(concurrency = 2) {
  const clock = new FakeClock();
  const queue = new WorkQueue({ clock, concurrency, random: () => 0 });
  return { clock, queue };
}

/** A handler that records each call and holds it open until released. */
function heldHandler() {
  const calls: string[] = [];
  const open = new Map<string, () => void>();
  let running = 0;
  let maxRunning = 0;
  const runningPerKey = new Map<string, number>();
  let maxPerKey = 0;
  const handler = async (key: string) => {
    calls.push(key);
    running++;
    maxRunning = Math.max(maxRunning, running);
    runningPerKey.set(key, (runningPerKey.get(key) ?? 0) + 1);
    maxPerKey = Math.max(maxPerKey, runningPerKey.get(key) ?? 0);
    const held = deferred();
    open.set(key, held.resolve);
    await held.promise;
    running--;
    runningPerKey.set(key, (runningPerKey.get(key) ?? 1) - 1);
  };
  const release = async (key: string) => {
    open.get(key)?.();
    open.delete(key);
    await settle();
  };
  return { handler, calls, release, stats: () => ({ maxRunning, maxPerKey }) };
}

/** Runs `results` through reconcileHandler in order (a function entry throws), recording the clock at each call. */
function scripted(clock: FakeClock, queue: WorkQueue, results: ReadonlyArray<ReconcileResult | (() => never)>) {
  const at: number[] = [];
  const start = clock.now();
  let i = 0;
  const reconciler = {
    reconcile: async () => {
      at.push(clock.now() - start);
      const r = results[Math.min(i++, results.length - 1)];
      if (typeof r === 'function') r();
      return r as ReconcileResult;
    },
  };
  queue.process(reconcileHandler({ queue, reconciler, logger, clock }));
  return at;
}
const fail = () => {
  throw new Error('apiserver unavailable');
};
const terminal = () => {
  throw new TerminalError('spec is invalid');
};

describe('WorkQueue', () => {
  it('processes a key added many times while waiting only once', async () => {
    const { queue } = setup();
    for (let i = 0; i < 5; i++) queue.add('default');
    expect(queue.depth()).toBe(1);
    const h = heldHandler();
    queue.process(h.handler);
    await settle();
    await h.release('default');
    expect(h.calls).toEqual(['default']);
    expect(queue.depth()).toBe(0);
  });

  it('runs a key added while it is processing once more afterwards, never concurrently', async () => {
    const { queue } = setup();
    const h = heldHandler();
    queue.process(h.handler);
    queue.add('default');
    await settle();
    for (let i = 0; i < 3; i++) queue.add('default');
    expect(queue.depth()).toBe(0);
    expect(h.calls).toEqual(['default']);
    await h.release('default');
    expect(h.calls).toEqual(['default', 'default']);
    await h.release('default');
    expect(h.calls).toHaveLength(2);
    expect(h.stats().maxPerKey).toBe(1);
  });

  it('runs no more keys at once than its concurrency', async () => {
    const { queue } = setup(2);
    const h = heldHandler();
    queue.process(h.handler);
    ['a', 'b', 'c'].forEach((k) => queue.add(k));
    await settle();
    expect(h.calls).toEqual(['a', 'b']);
    expect(queue.depth()).toBe(1);
    await h.release('a');
    expect(h.calls).toEqual(['a', 'b', 'c']);
    expect(h.stats().maxRunning).toBe(2);
  });

  it('keeps the earlier of two delayed adds for one key', async () => {
    const { clock, queue } = setup();
    queue.addAfter('default', 5_000);
    queue.addAfter('default', 1_000);
    queue.addAfter('default', 9_000);
    expect(clock.pending()).toBe(1);
    await clock.advance(1_000);
    expect(queue.depth()).toBe(1);
  });

  it('re-adds a key after requeueAfterMs when the reconcile asks for it', async () => {
    const { clock, queue } = setup();
    const at = scripted(clock, queue, [{ requeueAfterMs: 30_000 }, {}]);
    queue.add('default');
    await clock.advance(29_999);
    expect(at).toEqual([0]);
    await clock.advance(1);
    expect(at).toEqual([0, 30_000]);
    await clock.advance(600_000);
    expect(at).toHaveLength(2);
  });

  it('retries a failing reconcile with a growing delay', async () => {
    const { clock, queue } = setup();
    const at = scripted(clock, queue, [fail]);
    queue.add('default');
    await clock.advance(200 + 400 + 800 + 1600);
    expect(at).toEqual([0, 200, 600, 1400, 3000]);
    expect(queue.retries('default')).toBe(5);
  });

  it('does not retry a reconcile that failed with a TerminalError', async () => {
    const { clock, queue } = setup();
    const at = scripted(clock, queue, [terminal]);
    queue.add('default');
    await clock.advance(3_600_000);
    expect(at).toEqual([0]);
    expect(queue.retries('default')).toBe(0);
    expect(clock.pending()).toBe(0);
  });

  it('starts the backoff over after a success forgets the failures', async () => {
    const { clock, queue } = setup();
    const at = scripted(clock, queue, [fail, fail, {}, fail, {}]);
    queue.add('default');
    await clock.advance(600);
    expect(at).toEqual([0, 200, 600]);
    expect(queue.retries('default')).toBe(0);
    queue.add('default');
    await clock.advance(200);
    expect(at).toEqual([0, 200, 600, 600, 800]);
  });

  it('on shutDown drops waiting keys, cancels delayed adds and resolves only after in-flight work', async () => {
    const { clock, queue } = setup(1);
    const h = heldHandler();
    queue.process(h.handler);
    queue.add('a');
    queue.add('b');
    queue.addAfter('c', 10_000);
    queue.addRateLimited('d');
    await settle();
    let drained = false;
    const shutDown = queue.shutDown().then(() => (drained = true));
    await settle();
    expect(drained).toBe(false);
    expect(clock.pending()).toBe(0);
    await h.release('a');
    await shutDown;
    queue.add('e');
    queue.addAfter('f', 1);
    queue.addRateLimited('g');
    await clock.advance(60_000);
    expect(h.calls).toEqual(['a']);
    expect(clock.pending()).toBe(0);
    expect(queue.depth()).toBe(0);
  });

  it('while paused lets in-flight work finish, starts none, keeps every key added meanwhile, and on resume runs them', async () => {
    const { clock, queue } = setup(3);
    const h = heldHandler();
    queue.process(h.handler);
    queue.add('a');
    await settle();
    queue.pause();
    queue.add('a');
    queue.add('b');
    queue.addAfter('c', 1_000);
    await clock.advance(1_000);
    await h.release('a');
    expect(h.calls).toEqual(['a']);
    expect(queue.depth()).toBe(3);
    queue.resume();
    await settle();
    expect(h.calls.sort()).toEqual(['a', 'a', 'b', 'c']);
  });

  it('reports depth and retries to its observer', async () => {
    const depths: number[] = [];
    let retries = 0;
    const clock = new FakeClock();
    const queue = new WorkQueue({ clock, random: () => 0, observer: { depth: (n) => depths.push(n), retry: () => retries++ } });
    queue.add('a');
    queue.add('b');
    queue.addRateLimited('a');
    expect(depths).toEqual([1, 2]);
    expect(retries).toBe(1);
    await queue.shutDown();
  });
});
