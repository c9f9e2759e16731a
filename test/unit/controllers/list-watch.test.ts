import type { KubernetesObject, Watch } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { configuredWatch, WATCH_TIMEOUT_SECONDS } from '../../../src/controllers/list-watch.js';
import { WATCH_PROGRESS_DEADLINE_MS } from '../../../src/controllers/watch-timing.js';
import { deferred, settle } from '../../support/fake-clock.js';

/** Records what ListWatch's watch call would send; the apiserver's handling of these parameters is the integration suite's. */
function recordingWatch() {
  const calls: { path: string; params: Record<string, unknown>; callback: (phase: string, obj: unknown, raw: unknown) => void }[] = [];
  const watch = {
    requestTimeoutMs: 30_000,
    watch: async (path: string, params: Record<string, unknown>, callback: (phase: string, obj: unknown, raw: unknown) => void) => {
      calls.push({ path, params, callback });
      return new AbortController();
    },
  };
  return { watch, asWatch: watch as unknown as Watch, calls };
}

const trim = <T extends KubernetesObject>(o: T): T => ({ metadata: { name: o.metadata?.name } }) as T;

describe('configuredWatch', () => {
  it('asks for bookmarks and a server-side timeout between 5 and 10 minutes, and gives up on a watch silent past its progress deadline', async () => {
    const { watch, asWatch, calls } = recordingWatch();
    await configuredWatch(asWatch, undefined, () => 0).watch('/api/v1/nodes', { resourceVersion: '7' }, () => undefined, () => undefined);
    expect(calls[0]!.params).toEqual({ resourceVersion: '7', allowWatchBookmarks: true, timeoutSeconds: WATCH_TIMEOUT_SECONDS.min });
    // Bookmarks arrive about once a minute: Watch's inactivity timeout is the deadline, far below the server timeout.
    expect(watch.requestTimeoutMs).toBe(WATCH_PROGRESS_DEADLINE_MS);
    expect(WATCH_PROGRESS_DEADLINE_MS).toBe(90_000);
    await asWatch.watch('/api/v1/nodes', { resourceVersion: '8' }, () => undefined, () => undefined);
    const drawn = calls[1]!.params.timeoutSeconds as number;
    expect(drawn).toBeGreaterThanOrEqual(WATCH_TIMEOUT_SECONDS.min);
    expect(drawn).toBeLessThan(WATCH_TIMEOUT_SECONDS.max);
  });

  it('trims the objects of ADDED, MODIFIED and DELETED events and passes BOOKMARK and ERROR objects untouched', async () => {
    const { asWatch, calls } = recordingWatch();
    const seen: [string, unknown][] = [];
    await configuredWatch(asWatch, trim).watch('/api/v1/nodes', {}, (phase, obj) => seen.push([phase, obj]), () => undefined);
    const node = { metadata: { name: 'n1', resourceVersion: '9', labels: { a: 'b' } }, status: { images: [] } };
    const bookmark = { metadata: { resourceVersion: '10' } };
    for (const phase of ['ADDED', 'MODIFIED', 'DELETED']) calls[0]!.callback(phase, node, {});
    calls[0]!.callback('BOOKMARK', bookmark, {});
    calls[0]!.callback('ERROR', { code: 410 }, {});
    expect(seen).toEqual([
      ['ADDED', { metadata: { name: 'n1' } }], ['MODIFIED', { metadata: { name: 'n1' } }], ['DELETED', { metadata: { name: 'n1' } }],
      ['BOOKMARK', bookmark], ['ERROR', { code: 410 }],
    ]);
  });

  it('reports progress when the apiserver accepts the watch and on every event, BOOKMARKs included, but not for a refused watch', async () => {
    const { asWatch, calls } = recordingWatch();
    let progress = 0;
    const watch = configuredWatch(asWatch, undefined, Math.random, { progress: () => progress++ });
    await watch.watch('/api/v1/nodes', {}, () => undefined, () => undefined);
    expect(progress).toBe(1);
    calls[0]!.callback('BOOKMARK', { metadata: { resourceVersion: '10' } }, {});
    calls[0]!.callback('MODIFIED', { metadata: { name: 'n1' } }, {});
    expect(progress).toBe(3);
    // A watch that fails reports it through `done` before Watch.watch returns.
    const refusing = { watch: async (_p: string, _q: unknown, _cb: unknown, done: (err: unknown) => void) => {
      done(Object.assign(new Error('Forbidden'), { statusCode: 403 }));
      return new AbortController();
    } } as unknown as Watch;
    await configuredWatch(refusing, undefined, Math.random, { progress: () => progress++ }).watch('/api/v1/nodes', {}, () => undefined, () => undefined);
    expect(progress).toBe(3);
  });

  it('on a timed-out watch checks the connection first and reports the end only once the check is over; other ends pass at once', async () => {
    const dones: { done: (err: unknown) => void }[] = [];
    const inner = { watch: async (_p: string, _q: unknown, _cb: unknown, done: (err: unknown) => void) => {
      dones.push({ done });
      return new AbortController();
    } } as unknown as Watch;
    const check = deferred<boolean>();
    let checks = 0;
    const ended: unknown[] = [];
    const watch = configuredWatch(inner, undefined, Math.random, { stalled: () => (checks++, check.promise) });
    await watch.watch('/api/v1/nodes', {}, () => undefined, (err) => ended.push(err));
    await watch.watch('/api/v1/nodes', {}, () => undefined, (err) => ended.push(err));
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    dones[0]!.done(timeout);
    await settle();
    expect([checks, ended]).toEqual([1, []]);
    check.resolve(true);
    await settle();
    expect(ended).toEqual([timeout]);
    dones[1]!.done(null);
    expect([checks, ended]).toEqual([1, [timeout, null]]);
  });
});
