import type { KubernetesObject, Watch } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { configuredWatch, WATCH_TIMEOUT_SECONDS } from '../../../src/controllers/list-watch.js';

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
  it('asks for bookmarks and a server-side timeout between 5 and 10 minutes, with the client timeout a minute later', async () => {
    const { watch, asWatch, calls } = recordingWatch();
    await configuredWatch(asWatch, undefined, () => 0).watch('/api/v1/nodes', { resourceVersion: '7' }, () => undefined, () => undefined);
    expect(calls[0]!.params).toEqual({ resourceVersion: '7', allowWatchBookmarks: true, timeoutSeconds: WATCH_TIMEOUT_SECONDS.min });
    expect(watch.requestTimeoutMs).toBe((WATCH_TIMEOUT_SECONDS.min + 60) * 1000);
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
});
