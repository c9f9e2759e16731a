import { createHash } from 'node:crypto';
import type { V1Node } from '@kubernetes/client-node';

/**
 * Node objects shaped like the ones Amazon EKS shows: names, providerIDs, labels and the Fargate taint are what the
 * operator's platform detection reads. Pure functions: the same input always gives the same Node.
 * kwok manages a node only if it carries KWOK_NODE_ANNOTATION (kwok runs with
 * --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake), so tests can add unmanaged nodes too.
 */
export const KWOK_NODE_ANNOTATION = { key: 'kwok.x-k8s.io/node', value: 'fake' } as const;
export const FARGATE_LABEL = { key: 'eks.amazonaws.com/compute-type', value: 'fargate' } as const;
export const FARGATE_TAINT = { key: FARGATE_LABEL.key, value: FARGATE_LABEL.value, effect: 'NoSchedule' } as const;
export const KUBELET_VERSION = 'v1.36.3-eks-3025e55';
export const REGION = 'us-east-1';

export type Preset = 'eks-mixed' | 'eks-fargate-only' | 'none';

/** ip-10-0-1-23.ec2.internal: the private DNS name EC2 gives an instance in us-east-1. */
export const privateDnsName = (ip: string) => `ip-${ip.replaceAll('.', '-')}.ec2.internal`;

const hex = (seed: string, len: number) => createHash('sha256').update(seed).digest('hex').slice(0, len);

function base(name: string, ip: string, zone: string, providerID: string, labels: Record<string, string>,
  resources: Record<string, string>, osImage: string): V1Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: {
        [KWOK_NODE_ANNOTATION.key]: KWOK_NODE_ANNOTATION.value,
        'node.alpha.kubernetes.io/ttl': '0',
        // kwok serves each node's kubelet /metrics/resource under this path; metrics-server honours the annotation.
        'metrics.k8s.io/resource-metrics-path': `/metrics/nodes/${name}/metrics/resource`,
      },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/region': REGION,
        'topology.kubernetes.io/zone': zone,
        'failure-domain.beta.kubernetes.io/region': REGION,
        'failure-domain.beta.kubernetes.io/zone': zone,
        ...labels,
      },
    },
    spec: { providerID },
    // Nodes, unlike most kinds, keep their status on create: this is how a kubelet registers, and how kwok's
    // node-initialize stage learns the capacity and addresses it should keep.
    status: {
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
        { type: 'InternalDNS', address: name },
      ],
      capacity: resources,
      allocatable: resources,
      nodeInfo: {
        architecture: 'amd64', operatingSystem: 'linux', osImage, kernelVersion: '6.1.141-155.222.amzn2023.x86_64',
        containerRuntimeVersion: 'containerd://1.7.27', kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: KUBELET_VERSION, bootID: '', machineID: '', systemUUID: '',
      },
    },
  };
}

export interface Ec2NodeOptions {
  ip: string; zone?: string; nodegroup?: string; instanceType?: string; capacityType?: 'ON_DEMAND' | 'SPOT';
  allocatable?: Record<string, string>;
}

/** An EC2 worker of a managed node group (m5.large: 2 vCPU, 8 GiB). */
export function ec2Node(o: Ec2NodeOptions): V1Node {
  const zone = o.zone ?? `${REGION}a`;
  const name = privateDnsName(o.ip);
  return base(name, o.ip, zone, `aws:///${zone}/i-0${hex(o.ip, 16)}`, {
    'eks.amazonaws.com/nodegroup': o.nodegroup ?? 'ng-1',
    'eks.amazonaws.com/capacityType': o.capacityType ?? 'ON_DEMAND',
    'eks.amazonaws.com/nodegroup-image': 'ami-0c1d2e3f4a5b6c7d8',
    'node.kubernetes.io/instance-type': o.instanceType ?? 'm5.large',
    'beta.kubernetes.io/instance-type': o.instanceType ?? 'm5.large',
  }, o.allocatable ?? { cpu: '2', memory: '8Gi', pods: '110', 'ephemeral-storage': '20Gi' }, 'Amazon Linux 2023');
}

export interface FargateNodeOptions { ip: string; zone?: string; profile?: string }

/**
 * A Fargate "node": one micro-VM per pod, named fargate-<private dns>, tainted so that only pods the
 * fargate-scheduler placed there (here: pods that tolerate the taint) run on it.
 */
export function fargateNode(o: FargateNodeOptions): V1Node {
  const zone = o.zone ?? `${REGION}b`;
  const name = `fargate-${privateDnsName(o.ip)}`;
  const node = base(name, o.ip, zone, `aws:///${zone}/${hex(o.ip, 10)}-${hex(name, 32)}/${name}`, {
    [FARGATE_LABEL.key]: FARGATE_LABEL.value,
    'eks.amazonaws.com/fargate-profile': o.profile ?? 'fp-default',
  }, { cpu: '2', memory: '3928Mi', pods: '1', 'ephemeral-storage': '20Gi' }, 'Amazon Linux 2');
  node.spec = { ...node.spec, taints: [{ ...FARGATE_TAINT }] };
  return node;
}

/** The node sets of the presets; eks-fargate-only is seed 001's cluster: no EC2 node at all. */
export function presetNodes(preset: Preset): V1Node[] {
  const fargate = ['10.0.2.45', '10.0.2.46', '10.0.3.17'].map((ip, i) =>
    fargateNode({ ip, zone: i === 2 ? `${REGION}c` : `${REGION}b` }));
  switch (preset) {
    case 'none': return [];
    case 'eks-fargate-only': return fargate;
    case 'eks-mixed': return [ec2Node({ ip: '10.0.1.23' }), ec2Node({ ip: '10.0.1.87', zone: `${REGION}b` }), ...fargate];
  }
}

export const isFargate = (n: V1Node) => n.metadata?.labels?.[FARGATE_LABEL.key] === FARGATE_LABEL.value;
