import { describe, expect, it } from 'vitest';
import type { KubernetesListObject, V1ConfigMap, Watch } from '@kubernetes/client-node';
import { ControllerInformer, objectKey } from '../../../src/controllers/informer.js';
import { configuredWatch, type InformerFactory } from '../../../src/controllers/list-watch.js';
import { ListWatchLoop } from '../../../src/controllers/list-watch-loop.js';
import { createLogger } from '../../../src/controllers/logging.js';
import { generationChanged } from '../../../src/controllers/predicates.js';
import { WATCH_UNHEALTHY_AFTER_MS } from '../../../src/controllers/watch-timing.js';
import { FakeClock, settle } from '../../support/fake-clock.js';

const logger = createLogger({ level: 'silent' });
const cm = (name: string, resourceVersion: string, generation = 1): V1ConfigMap => ({
  metadata: { name, namespace: 'kube-system', resourceVersion, generation },
});

/**
 * The real list-watch loop (list-watch-loop.ts, client-node ListWatch's behaviour) over a scripted Watch: what the
 * informer must cope with is the loop's own behaviour (which errors it swallows, which it reports and then stops on),
 * so only the HTTP stream is faked.
 */
function setup(lists: ReadonlyArray<KubernetesListObject<V1ConfigMap> | Error>, updatePredicate = undefined as undefined | typeof generationChanged,
  { failingWatchCalls = 0 } = {}) {
  const clock = new FakeClock();
  const watches: Array<{ query: Record<string, string>; event: (type: string, obj: V1ConfigMap) => void; done: (err: unknown) => void }> = [];
  let watchCalls = 0;
  const watch = {
    watch: async (_path: string, query: Record<string, string>, event: (t: string, o: V1ConfigMap) => void, done: (e: unknown) => void) => {
      // Watch.watch rejects before sending anything when authentication fails (an exec plugin, an unreadable token file).
      if (watchCalls++ < failingWatchCalls) throw new Error('exec plugin: token file unreadable');
      watches.push({ query, event, done });
      return new AbortController();
    },
  } as unknown as Watch;
  let listCalls = 0;
  const list = async () => {
    const result = lists[Math.min(listCalls++, lists.length - 1)]!;
    if (result instanceof Error) throw result;
    return result;
  };
  // As listWatchFactory builds it, minus the connection check: the configured Watch reports progress to the informer.
  const factory: InformerFactory = (s) =>
    new ListWatchLoop(s.path, configuredWatch(watch, undefined, () => 0, { ...(s.progress ? { progress: s.progress } : {}) }), s.list,
      s.labelSelector, undefined, s.delay);
  const keys: string[] = [];
  const informer = new ControllerInformer<V1ConfigMap>({
    path: '/api/v1/namespaces/kube-system/configmaps',
    list,
    labelSelector: 'app.kubernetes.io/managed-by=metricsstack-operator',
    factory,
    keysFor: (obj) => [objectKey(obj)],
    enqueue: (key) => keys.push(key),
    updatePredicate,
    logger,
    clock,
    random: () => 0,
  });
  return { clock, informer, watches, keys, lists: () => listCalls, watchCalls: () => watchCalls };
}
const listOf = (resourceVersion: string, ...items: V1ConfigMap[]) => ({ metadata: { resourceVersion }, items });

describe('ControllerInformer', () => {
  it('resolves synced after the first list, serves the cache and enqueues each object', async () => {
    const { informer, keys, watches } = setup([listOf('10', cm('a', '9'), cm('b', '10'))]);
    informer.start();
    await informer.synced;
    expect(informer.hasSynced()).toBe(true);
    expect(informer.get('a', 'kube-system')?.metadata?.name).toBe('a');
    expect(informer.list().map((o) => o.metadata?.name)).toEqual(['a', 'b']);
    expect(keys).toEqual(['kube-system/a', 'kube-system/b']);
    expect(watches[0]?.query).toMatchObject({ resourceVersion: '10', labelSelector: 'app.kubernetes.io/managed-by=metricsstack-operator' });
    await informer.stop();
  });

  it('retries a failed list with backoff and syncs when it succeeds', async () => {
    const { clock, informer, lists } = setup([new Error('connection refused'), new Error('connection refused'), listOf('1')]);
    informer.start();
    await clock.advance(999);
    expect([lists(), informer.hasSynced()]).toEqual([1, false]);
    await clock.advance(1);
    expect(lists()).toBe(2);
    await clock.advance(2_000);
    expect([lists(), informer.hasSynced()]).toEqual([3, true]);
    await informer.stop();
  });

  it('restarts the watch after a watch error, resuming from the last resourceVersion without a relist', async () => {
    const { clock, informer, watches, lists } = setup([listOf('10')]);
    informer.start();
    await informer.synced;
    watches[0]!.event('ADDED', cm('c', '11'));
    watches[0]!.done(Object.assign(new Error('Internal Server Error'), { statusCode: 500 }));
    await clock.advance(1_000);
    expect(watches).toHaveLength(2);
    expect(watches[1]!.query.resourceVersion).toBe('11');
    expect(lists()).toBe(1);
    await informer.stop();
  });

  it('relists after 410 Gone (ListWatch does this itself) and enqueues deletions found by the relist', async () => {
    const { clock, informer, watches, keys, lists } = setup([listOf('10', cm('a', '9')), listOf('20')]);
    informer.start();
    await informer.synced;
    watches[0]!.done(Object.assign(new Error('Gone'), { statusCode: 410 }));
    await clock.advance(0);
    expect(lists()).toBe(2);
    expect(informer.list()).toEqual([]);
    expect(keys).toEqual(['kube-system/a', 'kube-system/a']);
    expect(watches[1]!.query.resourceVersion).toBe('20');
    await informer.stop();
  });

  it('is synced by its list even when the first watch fails before sending its request, and resumes without a relist', async () => {
    const { clock, informer, watches, lists, watchCalls } = setup([listOf('10', cm('a', '9'))], undefined, { failingWatchCalls: 2 });
    informer.start();
    await clock.advance(0);
    expect([lists(), watchCalls(), informer.hasSynced()]).toEqual([1, 1, true]);
    await informer.synced;
    expect(informer.get('a', 'kube-system')?.metadata?.name).toBe('a');
    await clock.advance(1_000);
    expect([watchCalls(), watches.length]).toEqual([2, 0]);
    await clock.advance(2_000);
    expect([lists(), watchCalls(), watches.length, informer.hasSynced()]).toEqual([1, 3, 1, true]);
    expect(watches[0]!.query.resourceVersion).toBe('10');
    await informer.stop();
  });

  it('turns its watch unhealthy after 2 minutes without a list, an accepted watch, an event or a BOOKMARK', async () => {
    const { clock, informer, watches } = setup([listOf('10')]);
    informer.start();
    await informer.synced;
    await clock.advance(WATCH_UNHEALTHY_AFTER_MS);
    expect(informer.watchHealthy()).toBe(true);
    watches[0]!.event('BOOKMARK', cm('', '11'));
    await clock.advance(WATCH_UNHEALTHY_AFTER_MS);
    expect(informer.watchHealthy()).toBe(true);
    await clock.advance(1);
    expect(informer.watchHealthy()).toBe(false);
    watches[0]!.event('ADDED', cm('a', '12'));
    expect(informer.watchHealthy()).toBe(true);
    await informer.stop();
  });

  it('is synced but turns unhealthy when its watch keeps failing before it is sent', async () => {
    const { clock, informer, watchCalls } = setup([listOf('10')], undefined, { failingWatchCalls: Infinity });
    informer.start();
    await informer.synced;
    await clock.advance(WATCH_UNHEALTHY_AFTER_MS + 1);
    expect([informer.hasSynced(), informer.watchHealthy(), watchCalls()]).toEqual([true, false, 26]);
    await informer.stop();
  });

  it('filters updates through the predicate, comparing with the previous object', async () => {
    const { informer, watches, keys } = setup([listOf('10', cm('a', '10', 1))], generationChanged);
    informer.start();
    await informer.synced;
    watches[0]!.event('MODIFIED', cm('a', '11', 1));
    watches[0]!.event('MODIFIED', cm('a', '12', 2));
    watches[0]!.event('DELETED', cm('a', '13', 2));
    expect(keys).toEqual(['kube-system/a', 'kube-system/a', 'kube-system/a']);
    await informer.stop();
  });

  it('on stop cancels a pending restart and ignores the error its own abort raises', async () => {
    const { clock, informer, watches } = setup([listOf('10')]);
    informer.start();
    await informer.synced;
    watches[0]!.done(new Error('connection reset'));
    expect(clock.pending()).toBe(1);
    await informer.stop();
    watches[0]!.done(new DOMException('aborted', 'AbortError'));
    await clock.advance(60_000);
    expect([clock.pending(), watches.length]).toEqual([0, 1]);
  });

  it('never opens another watch when stopped during ListWatch reconnect sleep', async () => {
    const { clock, informer, watches } = setup([listOf('10')]);
    informer.start();
    await informer.synced;
    watches[0]!.done(null);
    await settle();
    expect(watches).toHaveLength(2);
    watches[1]!.done(null);
    await settle();
    expect(clock.pending()).toBe(1);
    await informer.stop();
    await clock.advance(60_000);
    expect([clock.pending(), watches.length]).toEqual([0, 2]);
  });
});
