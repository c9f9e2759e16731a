import { describe, expect, it } from 'vitest';
import type { LeaderCallbacks } from '../../../src/controllers/leader-election.js';
import { createLogger } from '../../../src/controllers/logging.js';
import { Manager, type ManagerOptions } from '../../../src/controllers/manager.js';
import { WorkQueue } from '../../../src/controllers/workqueue.js';
import { FakeClock, deferred, settle } from '../../support/fake-clock.js';

const logger = createLogger({ level: 'silent' });

/** Fakes that write each call into one log, so tests assert the order of start and stop. */
function setup({ leaderElection = true, watchHealthy = (): boolean => true } = {}) {
  const log: string[] = [];
  const clock = new FakeClock();
  const synced = deferred();
  const reconcile = deferred<object>();
  let ready: () => boolean = () => false;
  let callbacks: LeaderCallbacks | undefined;
  const electionDone = deferred();
  const queue = new WorkQueue({ clock });
  const options: ManagerOptions = {
    logger,
    clock,
    controllers: [
      {
        name: 'metricsstack',
        informers: [{ synced: synced.promise, start: () => log.push('informer.start'), stop: async () => void log.push('informer.stop'), watchHealthy }],
        queue,
        reconciler: {
          reconcile: async (key) => {
            log.push(`reconcile ${key}`);
            return reconcile.promise;
          },
        },
      },
    ],
    health: {
      readyWhen: (check) => (ready = check),
      listen: async () => log.push('health.listen'),
      close: async () => void log.push('health.close'),
    },
    leaderElector: leaderElection
      ? {
          run: (cb) => {
            log.push('election.run');
            callbacks = cb;
            return electionDone.promise;
          },
          release: async () => {
            log.push('election.release');
            electionDone.resolve();
          },
          stop: async () => {
            log.push('election.stop');
            electionDone.resolve();
          },
        }
      : undefined,
  };
  const manager = new Manager(options);
  const lead = () => callbacks?.onStartedLeading();
  /** Queues `key`, starts the manager and leads with synced caches: the first reconcile of `key` is in flight. */
  const leading = async (key: string) => {
    queue.add(key);
    const started = manager.start();
    await settle();
    lead();
    synced.resolve();
    await started;
  };
  return { manager, log, synced, reconcile, queue, clock, ready: () => ready(), lead, lose: () => callbacks?.onStoppedLeading(), leading };
}

describe('Manager', () => {
  it('starts health, then waits to lead, then starts informers, and starts workers only after caches sync', async () => {
    const t = setup();
    t.queue.add('default');
    const started = t.manager.start();
    await settle();
    expect(t.log).toEqual(['health.listen', 'election.run']);
    t.lead();
    await settle();
    expect(t.log).toEqual(['health.listen', 'election.run', 'informer.start']);
    t.synced.resolve();
    await started;
    expect(t.log).toEqual(['health.listen', 'election.run', 'informer.start', 'reconcile default']);
    t.reconcile.resolve({});
    await t.manager.stop();
  });

  it('is ready while standing by and once running, but not while syncing or stopping', async () => {
    const t = setup();
    const readiness: boolean[] = [t.ready()];
    const started = t.manager.start();
    await settle();
    readiness.push(t.ready());
    t.lead();
    await settle();
    readiness.push(t.ready());
    t.synced.resolve();
    await started;
    readiness.push(t.ready());
    const stopped = t.manager.stop();
    readiness.push(t.ready());
    await stopped;
    expect(readiness).toEqual([false, true, false, true, false]);
  });

  it('without leader election starts informers right after the health server', async () => {
    const t = setup({ leaderElection: false });
    t.synced.resolve();
    await t.manager.start();
    expect(t.log).toEqual(['health.listen', 'informer.start']);
    expect(t.ready()).toBe(true);
    await t.manager.stop();
  });

  it('on stop drains in-flight reconciles, then stops informers, releases the lease and closes health', async () => {
    const t = setup();
    t.queue.add('default');
    const started = t.manager.start();
    await settle();
    t.lead();
    t.synced.resolve();
    await started;
    const stopped = t.manager.stop();
    await settle();
    expect(t.log.at(-1)).toBe('reconcile default');
    t.reconcile.resolve({});
    await stopped;
    expect(t.log.slice(-3)).toEqual(['informer.stop', 'election.release', 'health.close']);
    expect(await t.manager.done).toBe('stopped');
    expect(t.clock.pending()).toBe(0);
  });

  it('stopped while standing by never starts informers', async () => {
    const t = setup();
    const started = t.manager.start();
    await settle();
    await t.manager.stop();
    await started;
    expect(t.log).toEqual(['health.listen', 'election.run', 'informer.stop', 'election.release', 'health.close']);
  });

  it('on losing leadership pauses the workers and stands by, ready, with informers running; the next term resumes them', async () => {
    const t = setup();
    await t.leading('a');
    t.lose();
    expect(t.ready()).toBe(true);
    t.queue.add('b');
    t.reconcile.resolve({});
    await settle();
    expect(t.log.filter((l) => l.startsWith('reconcile'))).toEqual(['reconcile a']);
    t.lead();
    await settle();
    expect(t.log).toEqual(['health.listen', 'election.run', 'informer.start', 'reconcile a', 'reconcile b']);
    expect(t.ready()).toBe(true);
    await t.manager.stop();
    expect(await t.manager.done).toBe('stopped');
  });

  it('a term that ends while the caches sync never starts workers', async () => {
    const t = setup();
    t.queue.add('a');
    const started = t.manager.start();
    await settle();
    t.lead();
    await settle();
    t.lose();
    t.synced.resolve();
    await settle();
    expect(t.log).toEqual(['health.listen', 'election.run', 'informer.start']);
    t.lead();
    await started;
    expect(t.log.at(-1)).toBe('reconcile a');
    t.reconcile.resolve({});
    await t.manager.stop();
  });

  it('on stop with a reconcile still running at the shutdown timeout keeps the lease instead of handing it over', async () => {
    const t = setup();
    await t.leading('default');
    const stopped = t.manager.stop();
    await t.clock.advance(20_000);
    await stopped;
    expect(t.log.slice(-3)).toEqual(['informer.stop', 'election.stop', 'health.close']);
    expect(t.log).not.toContain('election.release');
    t.reconcile.resolve({});
  });

  it('gives up leadership and reports cache-sync-timeout when the caches have not synced 2 minutes after the informers started', async () => {
    const t = setup();
    const started = t.manager.start();
    await settle();
    t.lead();
    await t.clock.advance(119_999);
    expect(t.log.at(-1)).toBe('informer.start');
    await t.clock.advance(1);
    await started;
    expect(await t.manager.done).toBe('cache-sync-timeout');
    expect(t.log).toEqual(['health.listen', 'election.run', 'informer.start', 'informer.stop', 'election.release', 'health.close']);
  });

  it('is not ready while running once an informer reports its watch unhealthy, and ready again when it recovers', async () => {
    let healthy = true;
    const t = setup({ leaderElection: false, watchHealthy: () => healthy });
    t.synced.resolve();
    await t.manager.start();
    expect(t.ready()).toBe(true);
    healthy = false;
    expect(t.ready()).toBe(false);
    healthy = true;
    expect(t.ready()).toBe(true);
    await t.manager.stop();
  });
});
