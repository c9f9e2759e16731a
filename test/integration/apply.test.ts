import { CoreV1Api, KubernetesObjectApi, PatchStrategy, type V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Applier } from '../../src/kube/applier.js';
import { KubeClient } from '../../src/kube/client.js';
import { FIELD_MANAGER, MANAGED_SELECTOR } from '../../src/kube/labels.js';
import { startCluster, type TestCluster } from '../support/cluster.js';

let cluster: TestCluster;
let core: CoreV1Api;
let objects: KubernetesObjectApi;
let applier: Applier;
const policy = { owner: 'default', adopt: false, adoptField: 'spec.metricsServer.adoptExisting' };
const cm = (name: string, data: Record<string, string>): V1ConfigMap & { apiVersion: string; kind: string } =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });
const read = (name: string) => core.readNamespacedConfigMap({ name, namespace: 'default' });

beforeAll(async () => {
  cluster = await startCluster({ preset: 'none' });
  core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  objects = KubernetesObjectApi.makeApiClient(cluster.kubeConfig);
  // No cache: every apply reads the live object, which is the path a cache miss takes.
  applier = new Applier(new KubeClient(cluster.kubeConfig), () => undefined);
});
afterAll(async () => cluster?.stop());

describe('server-side apply against a real kube-apiserver', () => {
  it('creates an object with our field manager and ownership labels', async () => {
    const out = await applier.apply(cm('a', { k: 'v' }), policy);
    expect(out.result).toBe('applied');
    const live = await read('a');
    expect(live.metadata?.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'metricsstack-operator', 'metricsstack.io/owner': 'default' });
    expect(live.metadata?.managedFields?.map((f) => [f.manager, f.operation])).toEqual([[FIELD_MANAGER, 'Apply']]);
    const listed = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: MANAGED_SELECTOR });
    expect(listed.items.map((i) => i.metadata?.name)).toEqual(['a']);
  });

  it('writes nothing on a second apply of the same object: the resourceVersion stays', async () => {
    const before = (await read('a')).metadata?.resourceVersion;
    const out = await applier.apply(cm('a', { k: 'v' }), policy);
    expect(out.result).toBe('unchanged');
    expect((await read('a')).metadata?.resourceVersion).toBe(before);
  });

  it('is a no-op at the apiserver too: a forced re-apply of identical content keeps the resourceVersion', async () => {
    const before = (await read('a')).metadata?.resourceVersion;
    const same = { ...cm('a', { k: 'v' }), metadata: { name: 'a', namespace: 'default', labels: (await read('a')).metadata?.labels } };
    await objects.patch(same, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
    expect((await read('a')).metadata?.resourceVersion).toBe(before);
  });

  it('repairs a hand edit of a field it owns', async () => {
    await cluster.kubectl(['patch', 'configmap', 'a', '-n', 'default', '--type=merge', '-p', '{"data":{"k":"edited"}}']);
    expect((await read('a')).data?.k).toBe('edited');
    const out = await applier.apply(cm('a', { k: 'v' }), policy);
    expect(out.result).toBe('applied');
    expect((await read('a')).data?.k).toBe('v');
  });

  it('removes a field it no longer renders (its managedFields still own it), and then writes nothing', async () => {
    expect((await applier.apply(cm('dropped', { keep: '1', drop: '2' }), policy)).result).toBe('applied');
    expect((await applier.apply(cm('dropped', { keep: '1' }), policy)).result).toBe('applied');
    const live = await read('dropped');
    expect(live.data).toEqual({ keep: '1' });
    expect((await applier.apply(cm('dropped', { keep: '1' }), policy)).result).toBe('unchanged');
    expect((await read('dropped')).metadata?.resourceVersion).toBe(live.metadata?.resourceVersion);
  });

  it('leaves an object another manager created untouched and names that manager', async () => {
    const made = await cluster.kubectl(['create', 'configmap', 'helm-owned', '-n', 'default', '--from-literal=k=theirs', '--field-manager=helm']);
    expect(made.code).toBe(0);
    const before = await read('helm-owned');
    const out = await applier.apply(cm('helm-owned', { k: 'ours' }), policy);
    expect(out.result).toBe('conflict');
    expect(out.message).toMatch(/ConfigMap default\/helm-owned already exists and is managed by helm.*spec\.metricsServer\.adoptExisting: true/);
    const after = await read('helm-owned');
    expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    expect(after.data?.k).toBe('theirs');
  });

  it('takes the object over when the spec adopts it', async () => {
    const out = await applier.apply(cm('helm-owned', { k: 'ours' }), { ...policy, adopt: true });
    expect(out.result).toBe('applied');
    const after = await read('helm-owned');
    expect(after.data?.k).toBe('ours');
    expect(after.metadata?.labels?.['metricsstack.io/owner']).toBe('default');
  });

  it("refuses another MetricsStack's object even with adoption on", async () => {
    const out = await applier.apply(cm('a', { k: 'v' }), { ...policy, owner: 'second', adopt: true });
    expect(out.result).toBe('conflict');
    expect(out.message).toContain('belongs to MetricsStack "default"');
    expect((await read('a')).metadata?.labels?.['metricsstack.io/owner']).toBe('default');
  });
});
