/** Informers of one kind, one per namespace, behind one cache: what the namespaced Roles of the chart call for. */
import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { InformerSet, type MemberInformer } from '../../../src/controllers/informer-set.js';

/** A member holding fixed objects; `release` resolves its first sync. */
function member(namespace: string, names: string[]) {
  let release = (): void => undefined;
  const calls: string[] = [];
  const objects: KubernetesObject[] = names.map((name) => ({ metadata: { name, namespace } }));
  const m: MemberInformer<KubernetesObject> = {
    synced: new Promise<void>((resolve) => (release = resolve)),
    start: () => void calls.push('start'),
    stop: async () => void calls.push('stop'),
    get: (name, ns) => objects.find((o) => o.metadata?.name === name && o.metadata.namespace === ns),
    list: () => objects,
  };
  return { m, calls, release: () => release() };
}

describe('InformerSet', () => {
  it('finds an object in the member of its namespace, and lists every member', () => {
    const [a, b] = [member('kube-system', ['metrics-server']), member('monitoring', ['prometheus-adapter', 'metrics-server'])];
    const set = new InformerSet([a.m, b.m]);
    expect(set.get('metrics-server', 'monitoring')?.metadata?.namespace).toBe('monitoring');
    expect(set.get('prometheus-adapter', 'kube-system')).toBeUndefined();
    expect(set.list().map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`))
      .toEqual(['kube-system/metrics-server', 'monitoring/prometheus-adapter', 'monitoring/metrics-server']);
  });

  it('starts and stops every member, and is synced only once all are', async () => {
    const [a, b] = [member('kube-system', []), member('monitoring', [])];
    const set = new InformerSet([a.m, b.m]);
    set.start();
    let synced = false;
    void set.synced.then(() => (synced = true));
    a.release();
    await Promise.resolve();
    expect(synced).toBe(false);
    b.release();
    await set.synced;
    await set.stop();
    expect([a.calls, b.calls]).toEqual([['start', 'stop'], ['start', 'stop']]);
  });
});
