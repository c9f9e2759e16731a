import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ListWatchLoop } from '../../../src/controllers/list-watch-loop.js';
import type { WatchLike } from '../../../src/controllers/list-watch.js';
import { settle } from '../../support/fake-clock.js';

const node = (name: string, resourceVersion: string): KubernetesObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, resourceVersion } });

/** A scripted watch: each call is recorded with its query and the callbacks to drive it. */
function scripted() {
  const calls: { query: Record<string, unknown>; event: (phase: string, obj: KubernetesObject) => void; done: (err: unknown) => void }[] = [];
  const watch = {
    watch: async (_path: string, query: Record<string, unknown>, event: (phase: string, obj: KubernetesObject) => void, done: (err: unknown) => void) => {
      calls.push({ query, event, done });
      return new AbortController();
    },
  } as unknown as WatchLike;
  return { watch, calls };
}

describe('ListWatchLoop', () => {
  it('lists, watches from the list\'s resourceVersion with the selectors, and keeps the cache and callbacks as events arrive', async () => {
    const { watch, calls } = scripted();
    const loop = new ListWatchLoop('/api/v1/nodes', watch, async () => ({ metadata: { resourceVersion: '10' }, items: [node('a', '5')] }), 'x=y', 'spec.unschedulable=false');
    const seen: string[] = [];
    loop.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
    loop.on('update', (o) => seen.push(`update ${o.metadata?.name}`));
    loop.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
    await loop.start();
    expect(calls[0]!.query).toEqual({ resourceVersion: '10', labelSelector: 'x=y', fieldSelector: 'spec.unschedulable=false' });
    calls[0]!.event('ADDED', node('b', '11'));
    calls[0]!.event('MODIFIED', node('a', '5')); // the version it has: nothing happened
    calls[0]!.event('MODIFIED', node('a', '12'));
    calls[0]!.event('BOOKMARK', { metadata: { resourceVersion: '13' } });
    calls[0]!.event('DELETED', node('b', '14'));
    expect(seen).toEqual(['add a', 'add b', 'update a', 'delete b']);
    expect(loop.list().map((o) => o.metadata?.name)).toEqual(['a']);
    expect(loop.get('a')?.metadata?.resourceVersion).toBe('12');
    calls[0]!.done(null);
    await settle();
    expect(calls[1]!.query.resourceVersion).toBe('14');
  });

  it('GIVEN 410 Gone, THEN it relists, and what the relist no longer has is deleted', async () => {
    const { watch, calls } = scripted();
    const lists = [{ metadata: { resourceVersion: '10' }, items: [node('a', '5'), node('b', '6')] }, { metadata: { resourceVersion: '50' }, items: [node('a', '7')] }];
    let n = 0;
    const loop = new ListWatchLoop('/api/v1/nodes', watch, async () => lists[Math.min(n++, 1)]!);
    const deleted: string[] = [];
    loop.on('delete', (o) => deleted.push(o.metadata?.name ?? ''));
    await loop.start();
    calls[0]!.done(Object.assign(new Error('Gone'), { statusCode: 410 }));
    await settle();
    expect([n, deleted, calls[1]!.query.resourceVersion]).toEqual([2, ['b'], '50']);
  });

  it('GIVEN another error, THEN the error callbacks get it and no watch is opened until start()', async () => {
    const { watch, calls } = scripted();
    const loop = new ListWatchLoop('/api/v1/nodes', watch, async () => ({ metadata: { resourceVersion: '10' }, items: [] }));
    const errors: unknown[] = [];
    loop.on('error', (e) => errors.push(e));
    await loop.start();
    const reset = new Error('read ECONNRESET');
    calls[0]!.done(reset);
    await settle();
    expect([errors, calls.length]).toEqual([[reset], 1]);
  });

  it('GIVEN it is stopped while it sleeps before re-watching, THEN it opens no further watch even when the sleep ends', async () => {
    const { watch, calls } = scripted();
    let wake = (): void => undefined;
    const sleep = () => new Promise<void>((r) => (wake = r));
    const loop = new ListWatchLoop('/api/v1/nodes', watch, async () => ({ metadata: { resourceVersion: '10' }, items: [] }), undefined, undefined, sleep);
    await loop.start();
    calls[0]!.done(null); // re-watched at once
    await settle();
    calls[1]!.done(null); // now after a 1 s backoff
    await settle();
    await loop.stop();
    wake();
    await settle();
    expect(calls).toHaveLength(2);
  });
  it('GIVEN an unchanged test, WHEN an event or a relist brings an object equal to the cached one but for its version, THEN the cached object stays (same identity, no update) and the watch resumes from the newer version', async () => {
    const { watch, calls } = scripted();
    const labelled = (name: string, rv: string, zone: string): KubernetesObject => ({ metadata: { name, resourceVersion: rv, labels: { zone } } });
    const lists = [{ metadata: { resourceVersion: '10' }, items: [labelled('a', '5', 'z1')] }, { metadata: { resourceVersion: '60' }, items: [labelled('a', '55', 'z2')] }];
    let n = 0;
    const sameLabels = (cached: KubernetesObject, next: KubernetesObject): boolean => cached.metadata?.labels?.zone === next.metadata?.labels?.zone;
    const loop = new ListWatchLoop('/api/v1/nodes', watch, async () => lists[Math.min(n++, 1)]!, undefined, undefined, undefined, sameLabels);
    const updates: string[] = [];
    loop.on('update', (o) => updates.push(`${o.metadata?.name}@${o.metadata?.resourceVersion}`));
    await loop.start();
    const cached = loop.get('a');
    calls[0]!.event('MODIFIED', labelled('a', '12', 'z1')); // a heartbeat, as the metadata-only node watch sees it
    expect(loop.get('a')).toBe(cached);
    expect(updates).toEqual([]);
    calls[0]!.done(null);
    await settle();
    expect(calls[1]!.query.resourceVersion).toBe('12');
    calls[1]!.event('MODIFIED', labelled('a', '13', 'z2')); // a real change
    expect([updates, loop.get('a')?.metadata?.labels?.zone]).toEqual([['a@13'], 'z2']);
    const changed = loop.get('a');
    calls[1]!.done(Object.assign(new Error('Gone'), { statusCode: 410 }));
    await settle();
    expect([updates, calls[2]!.query.resourceVersion]).toEqual([['a@13'], '60']); // relisted: a@55 has z2 too
    expect(loop.get('a')).toBe(changed);
  });

  it('GIVEN an unchanged cache, THEN list() hands back the same frozen array; any add, update, delete or relist makes a new one', async () => {
    const { watch, calls } = scripted();
    const lists = [{ metadata: { resourceVersion: '10' }, items: [node('a', '5'), node('b', '6')] }, { metadata: { resourceVersion: '50' }, items: [node('a', '5')] }];
    let n = 0;
    const loop = new ListWatchLoop('/api/v1/nodes', watch, async () => lists[Math.min(n++, 1)]!, undefined, undefined, undefined, (c, x) => c.metadata?.name === x.metadata?.name);
    await loop.start();
    const first = loop.list();
    expect(loop.list()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    calls[0]!.event('MODIFIED', node('a', '5')); // its version already: nothing happened
    calls[0]!.event('MODIFIED', node('a', '11')); // unchanged in what the cache keeps
    calls[0]!.event('BOOKMARK', { metadata: { resourceVersion: '12' } });
    expect(loop.list()).toBe(first);
    const names = () => loop.list().map((o) => `${o.metadata?.name}@${o.metadata?.resourceVersion}`);
    calls[0]!.event('ADDED', node('c', '13'));
    expect(names()).toEqual(['a@5', 'b@6', 'c@13']);
    const afterAdd = loop.list();
    calls[0]!.event('DELETED', node('c', '14'));
    expect(loop.list()).not.toBe(afterAdd);
    expect(names()).toEqual(['a@5', 'b@6']);
    const beforeRelist = loop.list();
    calls[0]!.done(Object.assign(new Error('Gone'), { statusCode: 410 }));
    await settle();
    expect(loop.list()).not.toBe(beforeRelist);
    expect(names()).toEqual(['a@5']);
  });
});
