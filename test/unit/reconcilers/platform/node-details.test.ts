import type { V1Node } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { NodeDetailsSource, type NodeDetailsReads } from '../../../../src/reconcilers/platform/node-details.js';
import { planDetails, retryAfterMs, type DetailsEntry, type DetailsTiming } from '../../../../src/reconcilers/platform/node-details-plan.js';
import { trimNodeMetadata } from '../../../../src/reconcilers/platform/node-facts.js';
import { presetNodes } from '../../../support/kwok-nodes.js';

const t: DetailsTiming = { maxAgeMs: 600_000, incompleteRetryMs: 15_000, maxReads: 2 };
const entries = (o: Record<string, DetailsEntry>) => new Map(Object.entries(o));

describe('planDetails', () => {
  it('lists before the first list and once the last one is maxAgeMs old', () => {
    expect(planDetails({ entries: new Map() }, ['a'], 0, t)).toEqual({ kind: 'list' });
    const s = { listedAt: 1_000, entries: entries({ a: { readAt: 1_000, complete: true } }) };
    expect(planDetails(s, ['a'], 1_000 + 599_999, t)).toEqual({ kind: 'none' });
    expect(planDetails(s, ['a'], 1_000 + 600_000, t)).toEqual({ kind: 'list' });
  });

  it('reads new nodes by name, and lists instead when more than maxReads are new', () => {
    const s = { listedAt: 0, entries: entries({ a: { readAt: 0, complete: true } }) };
    expect(planDetails(s, ['a', 'b', 'c'], 10, t)).toEqual({ kind: 'read', names: ['b', 'c'] });
    expect(planDetails(s, ['a', 'b', 'c', 'd'], 10, t)).toEqual({ kind: 'list' });
  });

  it('reads a node that had no addresses again after incompleteRetryMs, not before', () => {
    const s = { listedAt: 0, entries: entries({ a: { readAt: 100, complete: false } }) };
    expect(planDetails(s, ['a'], 100 + 14_999, t)).toEqual({ kind: 'none' });
    expect(planDetails(s, ['a'], 100 + 15_000, t)).toEqual({ kind: 'read', names: ['a'] });
    expect(retryAfterMs(s, ['a'], 100 + 5_000, t)).toBe(10_000);
    expect(retryAfterMs({ listedAt: 0, entries: entries({ a: { readAt: 0, complete: true } }) }, ['a'], 5, t)).toBeUndefined();
  });
});

/** Reads answered from a fixed set of full nodes, counting the calls. */
function reads(nodes: () => V1Node[]): NodeDetailsReads & { lists: number; gets: string[] } {
  const r = {
    lists: 0, gets: [] as string[],
    listNodes: async (each: (n: V1Node) => V1Node) => { r.lists++; return nodes().map(each); },
    readNode: async (name: string) => { r.gets.push(name); return nodes().find((n) => n.metadata?.name === name); },
  };
  return r;
}

describe('NodeDetailsSource', () => {
  const full: V1Node[] = presetNodes('eks-mixed').map((n) => ({ ...n, status: { ...n.status, daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } } }));
  /** What the node informer hands over: trimmed metadata, the same object while what it keeps is unchanged. */
  const cached = new Map<string, { key: string; node: V1Node }>();
  const meta = (ns: V1Node[]) => ns.map((n) => {
    const trimmed = trimNodeMetadata(n);
    const key = JSON.stringify({ ...trimmed.metadata, resourceVersion: '' });
    const hit = cached.get(trimmed.metadata?.name ?? '');
    if (hit?.key === key) return hit.node;
    cached.set(trimmed.metadata?.name ?? '', { key, node: trimmed });
    return trimmed;
  });

  it('merges providerID, addresses and the kubelet port into the metadata-only nodes, from one list for concurrent callers', async () => {
    const r = reads(() => full);
    let now = 0;
    const source = new NodeDetailsSource(r, () => now, t);
    const [a, b] = await Promise.all([source.withDetails(meta(full)), source.withDetails(meta(full))]);
    expect(r.lists).toBe(1);
    expect(a.nodes).toEqual(b.nodes);
    const ec2 = a.nodes.find((n) => n.metadata?.name?.startsWith('ip-'));
    expect(ec2?.spec?.providerID).toMatch(/^aws:\/\/\//);
    expect(ec2?.status?.addresses?.length).toBeGreaterThan(0);
    expect(ec2?.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBe(10250);
    expect(ec2?.status).not.toHaveProperty('conditions');
    expect(a.retryAfterMs).toBeUndefined();
    now = 60_000;
    await source.withDetails(meta(full));
    expect([r.lists, r.gets]).toEqual([1, []]);
    now = t.maxAgeMs;
    await source.withDetails(meta(full));
    expect(r.lists).toBe(2);
  });

  it('reads a node added after the list by name, again while it has no addresses, and forgets deleted nodes', async () => {
    let cluster: V1Node[] = full;
    const r = reads(() => cluster);
    let now = 0;
    const source = new NodeDetailsSource(r, () => now, t);
    await source.withDetails(meta(cluster));
    const fresh: V1Node = { metadata: { name: 'ip-10-0-9-9.ec2.internal', labels: {} }, status: {} };
    cluster = [...full, fresh];
    now = 1_000;
    const first = await source.withDetails(meta(cluster));
    expect(r.gets).toEqual(['ip-10-0-9-9.ec2.internal']);
    expect(first.retryAfterMs).toBe(15_000);
    now = 2_000;
    await source.withDetails(meta(cluster));
    expect(r.gets).toHaveLength(1);
    cluster = [...full, { ...fresh, spec: { providerID: 'aws:///us-east-1a/i-9' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.9.9' }] } }];
    now = 16_000;
    const second = await source.withDetails(meta(cluster));
    expect(r.gets).toHaveLength(2);
    expect(second.retryAfterMs).toBeUndefined();
    expect(second.nodes.find((n) => n.metadata?.name === fresh.metadata?.name)?.spec?.providerID).toBe('aws:///us-east-1a/i-9');
    cluster = full;
    const third = await source.withDetails(meta(cluster));
    expect(third.nodes.map((n) => n.metadata?.name)).toEqual(full.map((n) => n.metadata?.name));
    expect([r.lists, r.gets.length]).toEqual([1, 2]);
  });

  it('GIVEN a node read before its cloud controller initialized it, WHEN its labels or its uid change, THEN its details are read again at once, not at the hourly list', async () => {
    const name = 'ip-10-0-7-7.ec2.internal';
    const kubeletOnly: V1Node = { metadata: { name, uid: 'u1', labels: {} }, status: { addresses: [{ type: 'InternalIP', address: '10.0.7.7' }] } };
    let cluster: V1Node[] = [...full, kubeletOnly];
    const r = reads(() => cluster);
    let now = 0;
    const source = new NodeDetailsSource(r, () => now, t);
    await source.withDetails(meta(full));
    now = 1_000;
    const before = await source.withDetails(meta(cluster));
    expect(r.gets).toEqual([name]);
    expect(before.nodes.find((n) => n.metadata?.name === name)?.spec?.providerID).toBeUndefined();
    // The cloud controller sets providerID and the zone label in one update; the label is what the metadata watch sees.
    const initialized: V1Node = { ...kubeletOnly, metadata: { ...kubeletOnly.metadata, labels: { 'topology.kubernetes.io/zone': 'us-east-1a' } },
      spec: { providerID: 'aws:///us-east-1a/i-7' } };
    cluster = [...full, initialized];
    now = 2_000;
    const after = await source.withDetails(meta(cluster));
    expect(r.gets).toEqual([name, name]);
    expect(after.nodes.find((n) => n.metadata?.name === name)?.spec?.providerID).toBe('aws:///us-east-1a/i-7');
    // Unchanged: no read. Replaced under the same name (a new uid): read again.
    await source.withDetails(meta(cluster));
    expect(r.gets).toHaveLength(2);
    cluster = [...full, { ...initialized, metadata: { ...initialized.metadata, uid: 'u2' }, spec: { providerID: 'aws:///us-east-1a/i-8' } }];
    const replaced = await source.withDetails(meta(cluster));
    expect(r.gets).toHaveLength(3);
    expect(replaced.nodes.find((n) => n.metadata?.name === name)?.spec?.providerID).toBe('aws:///us-east-1a/i-8');
    expect(r.lists).toBe(1);
  });

  it('hands back the same merged array while the node objects and their details are unchanged, a new one when either changes', async () => {
    let cluster: V1Node[] = full;
    const r = reads(() => cluster);
    let now = 0;
    const source = new NodeDetailsSource(r, () => now, t);
    const informer = meta(full);
    const a = await source.withDetails(informer);
    // The informer's list() is a new array of the same cached objects each pass.
    expect((await source.withDetails([...informer])).nodes).toBe(a.nodes);
    // One node's metadata event: a new object in its place.
    const touched = informer.map((n, i) => (i === 0 ? { ...n, metadata: { ...n.metadata, labels: { ...n.metadata?.labels, team: 'x' } } } : n));
    const b = await source.withDetails(touched);
    expect(b.nodes).not.toBe(a.nodes);
    expect(b.nodes[0]?.metadata?.labels?.team).toBe('x');
    expect((await source.withDetails(touched)).nodes).toBe(b.nodes);
    // The same objects, but the details were listed again (maxAgeMs) with a new address for one node.
    cluster = full.map((n, i) => (i === 0 ? { ...n, status: { ...n.status, addresses: [{ type: 'InternalIP', address: '10.0.9.1' }] } } : n));
    now = t.maxAgeMs;
    const c = await source.withDetails(touched);
    expect(c.nodes).not.toBe(b.nodes);
    expect(c.nodes[0]?.status?.addresses).toEqual([{ type: 'InternalIP', address: '10.0.9.1' }]);
    // A node deleted: its details dropped, a new array without it.
    const d = await source.withDetails(touched.slice(1));
    expect(d.nodes.map((n) => n.metadata?.name)).toEqual(touched.slice(1).map((n) => n.metadata?.name));
  });

  it('GIVEN the informer hands back the same array (its cache unchanged), THEN nothing is read or rebuilt until the hourly list, nor while a node waits for its addresses', async () => {
    const waiting: V1Node = { metadata: { name: 'ip-10-0-8-8.ec2.internal', labels: {} }, status: {} };
    let cluster: V1Node[] = [...full, waiting];
    const r = reads(() => cluster);
    let now = 0;
    const source = new NodeDetailsSource(r, () => now, t);
    const informer = meta(full);
    const a = await source.withDetails(informer);
    now = 10_000;
    expect(await source.withDetails(informer)).toEqual({ nodes: a.nodes });
    expect((await source.withDetails(informer)).nodes).toBe(a.nodes);
    now = t.maxAgeMs - 1;
    expect((await source.withDetails(informer)).nodes).toBe(a.nodes);
    expect([r.lists, r.gets]).toEqual([1, []]);
    now = t.maxAgeMs;
    await source.withDetails(informer);
    expect(r.lists).toBe(2);
    // A node without addresses yet: the same array is still looked at again after incompleteRetryMs.
    const withWaiting = meta(cluster);
    now = t.maxAgeMs + 1_000;
    expect((await source.withDetails(withWaiting)).retryAfterMs).toBe(15_000);
    now += 5_000;
    expect((await source.withDetails(withWaiting)).retryAfterMs).toBe(10_000);
    cluster = [...full, { ...waiting, status: { addresses: [{ type: 'InternalIP', address: '10.0.8.8' }] } }];
    now += 10_000;
    const done = await source.withDetails(withWaiting);
    expect([r.gets, done.retryAfterMs]).toEqual([[waiting.metadata!.name, waiting.metadata!.name], undefined]);
    expect(done.nodes.find((n) => n.metadata?.name === waiting.metadata!.name)?.status?.addresses).toHaveLength(1);
  });

  it('GIVEN a list that left out a node the informer already holds (an older snapshot), THEN the same array still has it read on the next call', async () => {
    const late = full[0]!.metadata!.name!;
    let listed = full.slice(1);
    const r = reads(() => full);
    r.listNodes = async (each) => { r.lists++; return listed.map(each); };
    const source = new NodeDetailsSource(r, () => 0, t);
    const informer = meta(full);
    const first = await source.withDetails(informer);
    expect(first.nodes.find((n) => n.metadata?.name === late)?.spec).toBeUndefined();
    listed = full;
    const second = await source.withDetails(informer);
    expect(r.gets).toEqual([late]);
    expect(second.nodes.find((n) => n.metadata?.name === late)?.spec?.providerID).toMatch(/^aws:/);
  });

  it('lets a failed list fail the caller and lists again on the next call', async () => {
    let fail = true;
    const r = reads(() => full);
    const listNodes = r.listNodes;
    r.listNodes = async (each) => { if (fail) { fail = false; throw new Error('HTTP 503'); } return listNodes(each); };
    const source = new NodeDetailsSource(r, () => 0, t);
    await expect(source.withDetails(meta(full))).rejects.toThrow('HTTP 503');
    expect((await source.withDetails(meta(full))).nodes.every((n) => (n.status?.addresses?.length ?? 0) > 0)).toBe(true);
  });
});
