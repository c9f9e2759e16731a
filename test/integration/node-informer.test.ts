/**
 * The operator's node informer (informers.ts) against a real kube-apiserver: it lists and watches metadata only, so a
 * kubelet heartbeat (a status update) still arrives as an event, but without the Node's status, and wakes no stack;
 * NodeDetailsSource supplies providerID, addresses and the kubelet port.
 */
import type { V1Node } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listWatchFactory, type InformerFactory } from '../../src/controllers/list-watch.js';
import { createLogger } from '../../src/controllers/logging.js';
import { stackInformers } from '../../src/informers.js';
import { ignoreNotFound } from '../../src/kube/errors.js';
import { KubeClient } from '../../src/kube/client.js';
import { objectRef } from '../../src/kube/resources.js';
import { NodeDetailsSource } from '../../src/reconcilers/platform/node-details.js';
import { summarizeNodes } from '../../src/reconcilers/platform/node-facts.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { installCrd } from '../support/crd.js';
import { stackApi } from '../support/stacks.js';

let cluster: TestCluster;
let client: KubeClient;

beforeAll(async () => {
  cluster = await startCluster({ preset: 'none' });
  client = new KubeClient(cluster.kubeConfig);
  await installCrd(cluster);
  // A stack to wake: the node informer enqueues every stack on a change it cares about.
  await stackApi(cluster.kubeConfig).create('default', { resourceMetrics: { provider: 'none' } });
});
afterAll(async () => cluster?.stop());

const node = (name: string): V1Node & { apiVersion: string; kind: string } => ({
  apiVersion: 'v1', kind: 'Node',
  metadata: { name, labels: { 'eks.amazonaws.com/compute-type': 'ec2', 'eks.amazonaws.com/nodegroup': 'ng-1' } },
  spec: { providerID: `aws:///us-east-1a/i-${name}` },
});
const heartbeat = (at: Date) => ({
  status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: at, lastTransitionTime: new Date('2026-12-02T00:00:00Z') }] },
});

describe('the node informer, metadata-only', () => {
  it('caches labels without status, gets a heartbeat as an event that wakes no stack, and has the details from NodeDetailsSource', async () => {
    await client.create(node('ip-10-0-1-10.ec2.internal'));
    await client.patch(node('ip-10-0-1-10.ec2.internal'), {
      status: { addresses: [{ type: 'InternalIP', address: '10.0.1.10' }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } },
    }, 'merge', { subresource: 'status' });

    const updates: V1Node[] = [];
    // What the apiserver sent, before the transform: a watch event's object names its kind.
    const sent: (string | undefined)[] = [];
    const sentManagedFields: boolean[] = [];
    const base = listWatchFactory(client);
    const factory: InformerFactory = (s) => {
      if (s.path !== '/api/v1/nodes' || !s.transform) return base(s);
      const trim = s.transform;
      const inner = base({ ...s, transform: (o) => { sent.push(o.kind); sentManagedFields.push(o.metadata?.managedFields !== undefined); return trim(o); } });
      inner.on('update', (n) => updates.push(n as V1Node));
      return inner;
    };
    const enqueued: string[] = [];
    const informers = stackInformers({ objects: client, factory, logger: createLogger({ level: 'silent' }), enqueue: (k) => enqueued.push(k) });
    // The stack informer too: the node informer's keysFor enqueues every stack it has.
    informers.stacks.start();
    informers.nodes.start();
    try {
      await Promise.all([informers.stacks.synced, informers.nodes.synced]);
      const cached = informers.nodes.get('ip-10-0-1-10.ec2.internal');
      expect(cached).toEqual({ metadata: { name: 'ip-10-0-1-10.ec2.internal', uid: expect.any(String), resourceVersion: expect.any(String),
        labels: { 'eks.amazonaws.com/compute-type': 'ec2', 'eks.amazonaws.com/nodegroup': 'ng-1' } } });

      const enqueuedBefore = enqueued.length;
      const sentBefore = sent.length;
      for (let i = 1; i <= 3; i++) {
        await client.patch(node('ip-10-0-1-10.ec2.internal'), heartbeat(new Date(Date.UTC(2026, 11, 2, 18, i))), 'merge', { subresource: 'status' });
      }
      // One event per heartbeat still arrives (its resourceVersion moved), as metadata only, its managedFields cut
      // before parsing; the cached node stays the same object, no update is emitted and no stack wakes.
      await vi.waitFor(() => expect(sent.length - sentBefore).toBeGreaterThanOrEqual(3), { timeout: 10_000 });
      expect(new Set(sent.filter(Boolean))).toEqual(new Set(['PartialObjectMetadata']));
      expect(sentManagedFields.slice(sentBefore)).toEqual(sent.slice(sentBefore).map(() => false));
      expect(informers.nodes.get('ip-10-0-1-10.ec2.internal')).toBe(cached);
      expect(updates).toEqual([]);
      expect(enqueued.length).toBe(enqueuedBefore);

      const details = new NodeDetailsSource({
        listNodes: async (each) => (await client.listKind<V1Node>('v1', 'Node', {}, each)).items,
        readNode: (name) => ignoreNotFound(client.read<V1Node>(objectRef('v1', 'Node', name))),
      }, Date.now);
      const { nodes } = await details.withDetails(informers.nodes.list());
      expect(summarizeNodes(nodes)).toMatchObject({
        kind: 'EKS', region: 'us-east-1', ec2Nodes: 1, nodeAddressTypes: ['InternalIP'], kubeletPortsFromNodeStatus: true,
        samples: [{ name: 'ip-10-0-1-10.ec2.internal', addresses: [{ type: 'InternalIP', address: '10.0.1.10' }], port: 10250 }],
      });

      // A label change does wake the stack.
      await client.patch(node('ip-10-0-1-10.ec2.internal'), { metadata: { labels: { 'eks.amazonaws.com/nodegroup': 'ng-2' } } }, 'merge');
      await vi.waitFor(() => expect(informers.nodes.get('ip-10-0-1-10.ec2.internal')?.metadata?.labels?.['eks.amazonaws.com/nodegroup']).toBe('ng-2'));
      expect(enqueued.slice(enqueuedBefore)).toEqual(['default']);
      expect(updates.map((n) => [n.metadata?.name, n.status, n.spec])).toEqual([['ip-10-0-1-10.ec2.internal', undefined, undefined]]);
    } finally {
      await informers.nodes.stop();
      await informers.stacks.stop();
    }
  });
});
