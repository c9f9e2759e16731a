import type { V1Node } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { nodeFactsChanged, regionOf, summarizeNodes, trimNode, trimNodeMetadata } from '../../../../src/reconcilers/platform/node-facts.js';
import { presetNodes } from '../../../support/kwok-nodes.js';

const withPort = (n: V1Node, port: number): V1Node => ({ ...n, status: { ...n.status, daemonEndpoints: { kubeletEndpoint: { Port: port } } } });

describe('summarizeNodes', () => {
  it("recognises seed 001's mixed EKS cluster: 2 EC2 and 3 Fargate nodes in us-east-1", () => {
    const f = summarizeNodes(presetNodes('eks-mixed').map((n) => withPort(n, 10250)));
    expect(f).toMatchObject({ kind: 'EKS', region: 'us-east-1', ec2Nodes: 2, fargateNodes: 3, otherNodes: 0, kubeletPortsFromNodeStatus: true });
    expect(f.samples.map((s) => s.name).every((n) => n.startsWith('ip-'))).toBe(true);
    expect(f.nodeAddressTypes[0]).toBe('InternalIP');
  });

  it('recognises an all-Fargate cluster (no EC2 to run metrics-server on)', () => {
    const f = summarizeNodes(presetNodes('eks-fargate-only'));
    expect(f).toMatchObject({ kind: 'EKS', ec2Nodes: 0, fargateNodes: 3 });
  });

  it('calls kOps on EC2 Generic: an aws:// providerID without EKS labels is not EKS', () => {
    const kops: V1Node = { metadata: { name: 'i-1', labels: { 'kops.k8s.io/instancegroup': 'nodes' } }, spec: { providerID: 'aws:///us-east-1a/i-0abc' }, status: { addresses: [{ type: 'InternalIP', address: '172.20.1.1' }] } };
    expect(summarizeNodes([kops])).toMatchObject({ kind: 'Generic', ec2Nodes: 1, region: 'us-east-1' });
  });

  it('calls a cluster without AWS nodes Generic', () => {
    const plain: V1Node = { metadata: { name: 'worker-1', labels: { 'kubernetes.io/os': 'linux' } }, status: { addresses: [{ type: 'Hostname', address: 'worker-1' }, { type: 'InternalIP', address: '192.0.2.10' }] } };
    const f = summarizeNodes([plain]);
    expect(f).toMatchObject({ kind: 'Generic', ec2Nodes: 0, fargateNodes: 0, otherNodes: 1, nodeAddressTypes: ['Hostname', 'InternalIP'], kubeletPortsFromNodeStatus: false });
  });

  it('does not use the kubelet port from node status when a node reports none', () => {
    const [a, b] = presetNodes('eks-mixed');
    expect(summarizeNodes([withPort(a!, 10250), withPort(b!, 0)]).kubeletPortsFromNodeStatus).toBe(false);
  });
});

describe('trimNode', () => {
  it('keeps what the operator reads and drops the rest', () => {
    const big: V1Node = {
      metadata: { name: 'n', resourceVersion: '5', labels: { 'eks.amazonaws.com/compute-type': 'fargate', 'kubernetes.io/arch': 'amd64' }, annotations: { big: 'x'.repeat(1000) } },
      spec: { providerID: 'aws:///us-east-1a/i-1', podCIDR: '10.0.0.0/24' },
      status: { addresses: [{ type: 'InternalIP', address: '10.0.1.1' }], images: [{ names: ['a'], sizeBytes: 1 }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } },
    };
    expect(trimNode(big)).toEqual({
      metadata: { name: 'n', resourceVersion: '5', labels: { 'eks.amazonaws.com/compute-type': 'fargate' } },
      spec: { providerID: 'aws:///us-east-1a/i-1' },
      status: { addresses: [{ type: 'InternalIP', address: '10.0.1.1' }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } },
    });
  });
});

describe('trimNodeMetadata', () => {
  it('keeps the name, the uid, the version and the labels read of a PartialObjectMetadata, and no managedFields', () => {
    const partial = {
      apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata',
      metadata: { name: 'n', uid: 'u1', resourceVersion: '7', labels: { 'eks.amazonaws.com/compute-type': 'ec2', 'kubernetes.io/os': 'linux' },
        managedFields: [{ manager: 'kubelet', operation: 'Update', time: new Date('2026-12-02T18:00:00Z') }] },
    } as V1Node;
    expect(trimNodeMetadata(partial)).toEqual({ metadata: { name: 'n', uid: 'u1', resourceVersion: '7', labels: { 'eks.amazonaws.com/compute-type': 'ec2' } } });
  });

  it('makes a heartbeat (a new resourceVersion and managedFields time only) no change for the predicate', () => {
    const at = (rv: string, time: string) => trimNodeMetadata<V1Node>({ metadata: { name: 'n', resourceVersion: rv, labels: {},
      managedFields: [{ manager: 'kwok', operation: 'Update', subresource: 'status', time: new Date(time) }] } });
    expect(nodeFactsChanged(at('1', '2026-12-02T18:00:00Z'), at('2', '2026-12-02T18:10:00Z'))).toBe(false);
  });
});

describe('regionOf', () => {
  it.each([
    ['aws:///us-east-1a/i-0abc', 'us-east-1'],
    ['aws:///ap-northeast-1c/i-0abc', 'ap-northeast-1'],
    ['aws:///us-gov-west-1a/i-0abc', 'us-gov-west-1'],
    ['gce://project/zone/name', undefined],
    [undefined, undefined],
  ])('%s → %s', (id, region) => expect(regionOf(id)).toBe(region));
});

describe('nodeFactsChanged (the heartbeat filter the idle-CPU budget relies on)', () => {
  const [base] = presetNodes('eks-mixed').map((n) => trimNode(withPort({ ...n, metadata: { ...n.metadata, resourceVersion: '100' } }, 10250)));
  const node = base!;
  /** A kubelet heartbeat as the informer sees it after trimNode: conditions, images and a new resourceVersion. */
  const heartbeat = (n: V1Node, rv: string): V1Node => trimNode({
    ...n, metadata: { ...n.metadata, resourceVersion: rv },
    status: { ...n.status, conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: new Date(Number(rv)) }], images: [{ names: ['x'] }] },
  });
  it.each<[string, V1Node | undefined, V1Node, boolean]>([
    ['GIVEN a node seen for the first time, THEN it re-queues', undefined, node, true],
    ['GIVEN a heartbeat (new resourceVersion, conditions, images), THEN it does not', node, heartbeat(node, '101'), false],
    ['GIVEN a label the operator does not read, THEN it does not',
      node, trimNode({ ...node, metadata: { ...node.metadata, labels: { ...node.metadata?.labels, team: 'a' } } }), false],
    ['GIVEN the node turns Fargate (compute-type label), THEN it does',
      node, trimNode({ ...node, metadata: { ...node.metadata, labels: { ...node.metadata?.labels, 'eks.amazonaws.com/compute-type': 'fargate' } } }), true],
    ['GIVEN a new InternalIP, THEN it does',
      node, { ...node, status: { ...node.status, addresses: [{ type: 'InternalIP', address: '10.0.9.9' }] } }, true],
    ['GIVEN another kubelet port, THEN it does', node, withPort(node, 10251), true],
    ['GIVEN a new providerID, THEN it does', node, { ...node, spec: { providerID: 'aws:///us-west-2a/i-0new' } }, true],
  ])('%s', (_name, old, next, changed) => {
    expect(nodeFactsChanged(old, next)).toBe(changed);
  });
});
