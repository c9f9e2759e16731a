import { isDeepStrictEqual } from 'node:util';
import type { NodeName } from '../backends/node-coverage.js';
import type { V1Node, V1NodeAddress } from '@kubernetes/client-node';

export const COMPUTE_TYPE_LABEL = 'eks.amazonaws.com/compute-type';
export const NODEGROUP_LABEL = 'eks.amazonaws.com/nodegroup';
const KEPT_LABELS = [COMPUTE_TYPE_LABEL, NODEGROUP_LABEL, 'topology.kubernetes.io/zone', 'alpha.eksctl.io/cluster-name', 'eks.amazonaws.com/cluster-name'];

/**
 * Keeps only what the operator reads of a Node (name, a few labels, providerID, addresses, kubelet port).
 * Used as the node informer's transform: a real Node carries its image list and conditions, kilobytes each, and the
 * cache must stay flat at 5,000 nodes.
 */
export function trimNode<T>(obj: T): T {
  const n = obj as V1Node;
  const labels = Object.fromEntries(Object.entries(n.metadata?.labels ?? {}).filter(([k]) => KEPT_LABELS.includes(k)));
  const trimmed: V1Node = {
    metadata: { name: n.metadata?.name ?? '', resourceVersion: n.metadata?.resourceVersion ?? '', labels },
    ...(n.spec?.providerID ? { spec: { providerID: n.spec.providerID } } : {}),
    status: {
      ...(n.status?.addresses ? { addresses: n.status.addresses } : {}),
      ...(n.status?.daemonEndpoints ? { daemonEndpoints: n.status.daemonEndpoints } : {}),
    },
  };
  return trimmed as T;
}

/**
 * The node informer's transform: it watches metadata only (PartialObjectMetadata), so only the name, the uid, the
 * version and the labels {@link trimNode} keeps; spec.providerID and status come from NodeDetailsSource (node-details.ts).
 */
export function trimNodeMetadata<T>(obj: T): T {
  const n = obj as V1Node;
  // The five kept labels looked up, not every label filtered: this runs on every heartbeat of every node.
  const all = n.metadata?.labels;
  const labels: Record<string, string> = {};
  if (all) for (const k of KEPT_LABELS) if (all[k] !== undefined) labels[k] = all[k];
  // The uid too: a node replaced under the same name is a change (its details are read again, node-details.ts).
  const uid = n.metadata?.uid ? { uid: n.metadata.uid } : {};
  return { metadata: { name: n.metadata?.name ?? '', ...uid, resourceVersion: n.metadata?.resourceVersion ?? '', labels } } as T;
}

/**
 * Nodes renew their heartbeat every few seconds; only a change to what {@link trimNode} keeps should re-queue the
 * stacks. Objects reaching the predicate are already trimmed, so comparing them whole is cheap and exact.
 */
export const nodeFactsChanged = (old: V1Node | undefined, next: V1Node): boolean =>
  !old || !isDeepStrictEqual({ ...old.metadata, resourceVersion: '' }, { ...next.metadata, resourceVersion: '' }) ||
  !isDeepStrictEqual(old.spec, next.spec) || !isDeepStrictEqual(old.status, next.status);

/** What the node list says about the platform, for status.platform and for metrics-server's flags. */
export interface NodeFacts {
  readonly kind: 'EKS' | 'Generic';
  /** From a node label, when EKS nodes carry it (eksctl and managed node groups do). */
  readonly clusterName?: string;
  readonly region?: string;
  readonly ec2Nodes: number;
  readonly fargateNodes: number;
  readonly otherNodes: number;
  /** Address types reported by the nodes metrics-server would scrape (non-Fargate first), in first-seen order. */
  readonly nodeAddressTypes: readonly string[];
  readonly kubeletPortsFromNodeStatus: boolean;
  /** Every node by name, to say which ones the metrics API has no metrics for. */
  readonly nodes: readonly NodeName[];
  /** A few scrape targets for kubelet certificate inspection, EC2 nodes first. */
  readonly samples: readonly { name: string; addresses: readonly V1NodeAddress[]; port: number }[];
}

const hasEksLabel = (n: V1Node): boolean =>
  Object.keys(n.metadata?.labels ?? {}).some((k) => k.startsWith('eks.amazonaws.com/') || k.startsWith('alpha.eksctl.io/'));

export const isFargateNode = (n: V1Node): boolean => n.metadata?.labels?.[COMPUTE_TYPE_LABEL] === 'fargate';
const isAwsNode = (n: V1Node): boolean =>
  (n.spec?.providerID ?? '').startsWith('aws://') || Object.keys(n.metadata?.labels ?? {}).some((k) => k.startsWith('eks.amazonaws.com/'));

/** aws:///us-east-1a/i-0abc → us-east-1 (the zone minus its letter). */
export function regionOf(providerID: string | undefined): string | undefined {
  const zone = /^aws:\/\/\/([a-z]{2}(?:-[a-z]+)+-\d)[a-z]\//.exec(providerID ?? '')?.[1];
  return zone;
}

/** Pure summary of the (trimmed) node cache. */
export function summarizeNodes(nodes: readonly V1Node[], sampleSize = 3): NodeFacts {
  const fargate = nodes.filter(isFargateNode);
  const aws = nodes.filter((n) => !isFargateNode(n) && isAwsNode(n));
  const other = nodes.filter((n) => !isFargateNode(n) && !isAwsNode(n));
  const scraped = [...aws, ...other];
  const types: string[] = [];
  for (const n of scraped.length > 0 ? scraped : fargate) for (const a of n.status?.addresses ?? []) if (!types.includes(a.type)) types.push(a.type);
  const ports = scraped.map((n) => n.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 0);
  // EKS only on EKS's own marks (Fargate, eks.amazonaws.com/* or eksctl labels): an aws:// providerID alone is any
  // Kubernetes on EC2 (kOps, self-managed), where guessing an EKS cluster would point AWS writes at the wrong one.
  const eks = fargate.length > 0 || nodes.some(hasEksLabel);
  const labelled = nodes
    .map((n) => n.metadata?.labels?.['alpha.eksctl.io/cluster-name'] ?? n.metadata?.labels?.['eks.amazonaws.com/cluster-name'])
    .find(Boolean);
  const region = nodes.map((n) => regionOf(n.spec?.providerID)).find(Boolean);
  return {
    kind: eks ? 'EKS' : 'Generic',
    ...(labelled ? { clusterName: labelled } : {}),
    ...(region ? { region } : {}),
    ec2Nodes: aws.length,
    fargateNodes: fargate.length,
    otherNodes: other.length,
    nodeAddressTypes: types,
    nodes: nodes.map((n) => ({ name: n.metadata?.name ?? '', fargate: isFargateNode(n) })),
    kubeletPortsFromNodeStatus: ports.length > 0 && ports.every((p) => p > 0),
    samples: scraped.slice(0, sampleSize).map((n) => ({
      name: n.metadata?.name ?? '',
      addresses: n.status?.addresses ?? [],
      port: n.status?.daemonEndpoints?.kubeletEndpoint?.Port || 10250,
    })),
  };
}
