import { createConnection, createServer, type Server } from 'node:net';
import { KubeConfig, type KubernetesObject, type V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KubeApiError, KubeClient, LIST_PAGE_SIZE } from '../../src/kube/client.js';
import { METADATA_ONLY_WATCH } from '../../src/kube/metadata-only.js';
import { apiMessage, isConflict, isNotFound } from '../../src/kube/errors.js';
import { CONNECTION_PROBE_TIMEOUT_MS } from '../../src/kube/shared-connection.js';
import { StreamWatch } from '../../src/kube/watch.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { stallableRelay } from '../support/watch-faults.js';

let cluster: TestCluster;
let client: KubeClient;
const NS = 'kube-client';
const cm = (name: string, data: Record<string, string> = {}): V1ConfigMap & { apiVersion: string; kind: string } =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, data });

beforeAll(async () => {
  cluster = await startCluster({ preset: 'none' });
  client = new KubeClient(cluster.kubeConfig);
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
});
afterAll(async () => cluster?.stop());

/** A TCP relay in front of the apiserver that counts the connections clients open through it. */
async function countingRelay(target: URL): Promise<{ server: Server; port: number; connections: () => number }> {
  let count = 0;
  const server = createServer((socket) => {
    count++;
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    socket.setNoDelay(true);
    upstream.setNoDelay(true);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, connections: () => count };
}

describe('KubeClient against a real kube-apiserver', () => {
  it('lists page by page, trimming each item before the next page is fetched', async () => {
    const total = 2 * LIST_PAGE_SIZE + 2;
    const names = Array.from({ length: total }, (_, i) => `page-${String(i).padStart(4, '0')}`);
    for (let i = 0; i < names.length; i += 50) await Promise.all(names.slice(i, i + 50).map((n) => client.create(cm(n, { big: 'x'.repeat(100) }))));
    const request = vi.spyOn(client, 'request');
    const seenWhenTrimmed: number[] = [];
    const list = await client.listKind<V1ConfigMap>('v1', 'ConfigMap', { namespace: NS }, (o) => {
      seenWhenTrimmed.push(request.mock.calls.length);
      return { metadata: { name: o.metadata?.name } };
    });
    const calls = request.mock.calls.map((c) => [c[0], c[1], c[2]?.query?.limit]);
    request.mockRestore();
    // kube-controller-manager adds kube-root-ca.crt to every namespace.
    expect(list.items.map((i) => i.metadata?.name).filter((n) => n !== 'kube-root-ca.crt')).toEqual(names);
    expect(list.items.every((i) => i.data === undefined)).toBe(true);
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThan(0);
    // Three pages; every item of page k was trimmed while only k requests had been made.
    expect(calls).toEqual(Array(3).fill(['GET', `/api/v1/namespaces/${NS}/configmaps`, LIST_PAGE_SIZE]));
    expect([...new Set(seenWhenTrimmed)]).toEqual([1, 2, 3]);
  });

  it('turns an error status into a KubeApiError carrying the apiserver Status message', async () => {
    const err = await client.read(cm('nope')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect(isNotFound(err)).toBe(true);
    expect(apiMessage(err)).toBe('configmaps "nope" not found');
    expect((err as Error).message).toBe(`GET /api/v1/namespaces/${NS}/configmaps/nope: HTTP 404: configmaps "nope" not found`);
  });

  it('applies server-side under a field manager and reports another manager conflict as 409', async () => {
    await client.apply(cm('applied', { k: 'a' }), { fieldManager: 'first', force: false });
    const err = await client.apply(cm('applied', { k: 'b' }), { fieldManager: 'second', force: false }).catch((e: unknown) => e);
    expect(isConflict(err)).toBe(true);
    expect(apiMessage(err)).toContain('conflict with "first"');
    const forced = await client.apply<V1ConfigMap>(cm('applied', { k: 'b' }), { fieldManager: 'second', force: true });
    expect(forced.data).toEqual({ k: 'b' });
  });

  it('refuses a JSON patch whose test operation fails, and merge-patches labels away', async () => {
    const live = await client.create(cm('patched'));
    const ops = [{ op: 'test', path: '/metadata/uid', value: 'not-the-uid' }, { op: 'add', path: '/data/x', value: '1' }];
    const failed = await client.patch(live, ops, 'json').catch((e: unknown) => e);
    expect((failed as KubeApiError).code).toBe(422);
    await client.patch(live, { metadata: { labels: { a: '1', b: '2' } } }, 'merge');
    const after = await client.patch<V1ConfigMap>(live, { metadata: { labels: { a: null } } }, 'merge');
    expect(after.metadata?.labels).toEqual({ b: '2' });
  });

  it('deletes only the object that still has the given uid', async () => {
    const live = await client.create(cm('doomed'));
    const stale = await client.delete(live, { uid: '00000000-0000-0000-0000-000000000000' }).catch((e: unknown) => e);
    expect(isConflict(stale)).toBe(true);
    expect(apiMessage(stale)).toContain('the UID in the precondition (00000000-0000-0000-0000-000000000000) does not match the UID in record');
    await client.delete(live, { uid: live.metadata?.uid ?? '' });
    expect(await client.read(live).catch((e: unknown) => (isNotFound(e) ? 'gone' : e))).toBe('gone');
  });

  it('refuses a kind it has no mapping for, before any request', async () => {
    await expect(client.read({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }))
      .rejects.toThrow(/no REST mapping for example.com\/v1 Widget/);
    await expect(client.read({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'no-namespace' } }))
      .rejects.toThrow(/namespaced but has no metadata.namespace/);
  });

  it('sends every request over one kept-alive TLS connection', async () => {
    const relay = await countingRelay(new URL(cluster.server));
    try {
      const kc = new KubeConfig();
      kc.loadFromString(cluster.kubeConfig.exportConfig());
      const current = kc.getCurrentCluster()!;
      kc.clusters = kc.clusters.map((c) => (c.name === current.name ? { ...c, server: `https://127.0.0.1:${relay.port}` } : c));
      const relayed = new KubeClient(kc);
      for (let i = 0; i < 20; i++) await relayed.read(cm('applied'));
      expect(relay.connections()).toBe(1);
      // Concurrent requests open more, at most one each, and the pool keeps them.
      await Promise.all(Array.from({ length: 5 }, () => relayed.read(cm('applied'))));
      expect(relay.connections()).toBeLessThanOrEqual(5);
    } finally {
      relay.server.close();
    }
  });

  it('replaces its shared connection once it stops answering, after a request timed out on it', async () => {
    const relay = await stallableRelay(Number(new URL(cluster.server).port));
    try {
      const kc = new KubeConfig();
      kc.loadFromString(cluster.kubeConfig.exportConfig());
      kc.clusters = kc.clusters.map((c) => ({ ...c, server: relay.server }));
      const relayed = new KubeClient(kc, { timeoutMs: 2_000 });
      await relayed.read(cm('applied'));
      expect(await relayed.checkConnection()).toBe(false);
      expect(relay.connections()).toBe(1);
      relay.stall();
      const t0 = Date.now();
      await expect(relayed.read(cm('applied'))).rejects.toThrow(/timeout/);
      // The timeout set off a check (GET /version, 5 s); requests after it go over a new connection.
      await expect(relayed.checkConnection()).resolves.toBe(true);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(2_000 + CONNECTION_PROBE_TIMEOUT_MS - 100);
      expect((await relayed.read<V1ConfigMap>(cm('applied'))).data).toEqual({ k: 'b' });
      expect(relay.connections()).toBe(2);
    } finally {
      relay.close();
    }
  });
  it('lists an empty collection metadata-only (its items are null) as no items', async () => {
    const none = await client.listKind('v1', 'Node', { metadataOnly: true, labelSelector: 'no-node-has=this' });
    expect(none.items).toEqual([]);
  });
  it('lists and watches nodes metadata-only (PartialObjectMetadata): labels arrive, status never does', async () => {
    const node = (name: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'eks.amazonaws.com/compute-type': 'fargate' } },
      spec: { providerID: `aws:///us-east-1a/${name}` } });
    await client.create(node('meta-only-a'));
    await client.patch(node('meta-only-a'), { status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] } }, 'merge', { subresource: 'status' });
    const full = await client.listKind<KubernetesObject & { status?: unknown }>('v1', 'Node');
    const meta = await client.listKind<KubernetesObject & { spec?: unknown; status?: unknown }>('v1', 'Node', { metadataOnly: true });
    expect(full.items.find((n) => n.metadata?.name === 'meta-only-a')?.status).toMatchObject({ addresses: [{ address: '10.0.0.1' }] });
    const a = meta.items.find((n) => n.metadata?.name === 'meta-only-a');
    expect(a).toMatchObject({ apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: { labels: { 'eks.amazonaws.com/compute-type': 'fargate' } } });
    expect([a?.spec, a?.status]).toEqual([undefined, undefined]);
    expect(Number(meta.metadata?.resourceVersion)).toBeGreaterThan(0);

    const events: (KubernetesObject & { spec?: unknown; status?: unknown })[] = [];
    const watch = new StreamWatch(client, METADATA_ONLY_WATCH);
    const controller = await watch.watch('/api/v1/nodes', { resourceVersion: meta.metadata?.resourceVersion }, (_phase, obj) => events.push(obj), () => undefined);
    try {
      await client.create(node('meta-only-b'));
      await client.patch(node('meta-only-b'), { status: { addresses: [{ type: 'InternalIP', address: '10.0.0.2' }] } }, 'merge', { subresource: 'status' });
      // ADDED, the status patch's MODIFIED, and whatever kube-controller-manager adds (taints, annotations).
      await vi.waitFor(() => expect(events.filter((e) => e.metadata?.name === 'meta-only-b').length).toBeGreaterThanOrEqual(2), { timeout: 10_000 });
    } finally {
      controller.abort();
    }
    expect(new Set(events.map((e) => JSON.stringify([e.kind, e.spec ?? null, e.status ?? null])))).toEqual(new Set(['["PartialObjectMetadata",null,null]']));
  });
});
