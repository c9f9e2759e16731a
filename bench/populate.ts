import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { TestCluster } from '../test/support/cluster.js';
import { ec2Node } from '../test/support/kwok-nodes.js';
import type { Bulk } from './bulk.js';
import { populateHpas } from './hpas.js';
import { progress, sleep } from './log.js';

/** kwok's pod CIDR for the scale clusters: 10.0.128.0/17 (the default) holds 32,766 pods, fewer than 50,000. */
export const SCALE_POD_CIDR = '10.128.0.0/12';

/**
 * The flags of a scale cluster. Node leases: kwok renews each node's Lease every quarter of its duration, so 5,000
 * nodes at the suite's 40 s make 500 writes a second on the 2 cores that also run the apiserver and the operator;
 * renewals then fall behind the node lifecycle controller's 50 s grace, nodes flap NotReady (seen: 2,000 of 5,000
 * Ready after 10 minutes, falling) and each flap is a Node update every watcher parses. 240 s leases (a renewal a
 * minute, 83 a second) with a 360 s grace keep every node Ready. The operator watches no Lease but its own; what it
 * sees of nodes is unchanged: their creation, and kwok's status heartbeat every 10 minutes (stages.yaml).
 */
export const SCALE_CLUSTER = {
  kwokExtraArgs: [`--cidr=${SCALE_POD_CIDR}`, '--node-lease-duration-seconds=240'],
  controllerManagerExtraArgs: ['--node-monitor-grace-period=360s'],
} as const;
const NAMESPACES = 10;

/** How long each setup step took (s), and whether kwok had every node Ready and every pod Running in time. */
export interface Setup { nodes: number; pods: number; hpas: number; createHpasS: number; createNodesS: number; nodesReadyS: number; createPodsS: number; podsRunningS: number; complete: boolean }

/** EC2 workers 10.1.0.1, 10.1.0.2, … across three zones and five node groups (clear of the default pod CIDR). */
const nodeAt = (i: number): V1Node =>
  ec2Node({ ip: `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`, zone: `us-east-1${'abc'[i % 3]}`, nodegroup: `ng-${(i % 5) + 1}` });

/** A pod already bound to its node (spec.nodeName): no scheduler in the way, kwok makes it Running. */
const podAt = (node: string, ns: string, name: string): V1Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels: { app: 'load', bench: 'scale' } },
  spec: {
    nodeName: node, automountServiceAccountToken: false,
    containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
  },
});

export async function populate(cluster: TestCluster, bulk: Bulk, nodes: number, podsPerNode: number, concurrency: number, timeoutMs: number,
  hpas = 0): Promise<Setup> {
  const t = performance.now();
  const s = () => (performance.now() - t) / 1000;
  const deadline = Date.now() + timeoutMs;
  const list = Array.from({ length: nodes }, (_, i) => nodeAt(i));
  await bulk.createAll(list.map((body) => ({ path: '/api/v1/nodes', body })), concurrency);
  const createNodesS = s();
  progress(`${nodes} nodes created in ${createNodesS.toFixed(0)} s`);
  let complete = await until(deadline, async () => (await readyNodes(bulk)) >= nodes);
  const nodesReadyS = s();
  const namespaces = Array.from({ length: Math.max(1, Math.min(NAMESPACES, podsPerNode)) }, (_, k) => `load-${k}`);
  for (const ns of namespaces) await bulk.createAll([{ path: '/api/v1/namespaces', body: { metadata: { name: ns } } }], 1);
  // The ServiceAccount admission plugin rejects pods until the namespace's default ServiceAccount exists.
  complete &&= await until(deadline, async () => (await Promise.all(namespaces.map((ns) =>
    bulk.call('GET', `/api/v1/namespaces/${ns}/serviceaccounts/default`)))).every((r) => r.status === 200));
  const pods = list.flatMap((n, i) => Array.from({ length: podsPerNode }, (_, j) => {
    const ns = namespaces[j % namespaces.length]!;
    return { path: `/api/v1/namespaces/${ns}/pods`, body: podAt(n.metadata!.name!, ns, `n${i}-p${j}`) };
  }));
  await bulk.createAll(pods, concurrency);
  const createPodsS = s();
  progress(`${pods.length} pods created in ${(createPodsS - nodesReadyS).toFixed(0)} s`);
  // limit=1: the apiserver stops at the first Pending pod, so the poll stays cheap while there are many.
  complete &&= await until(deadline, async () =>
    (await bulk.getJson<{ items: unknown[] }>('/api/v1/pods?fieldSelector=status.phase%3DPending&limit=1')).items.length === 0);
  const podsRunningS = s();
  const createHpasS = hpas > 0 ? await populateHpas(bulk, namespaces, hpas, concurrency) : 0;
  progress(`setup: ${nodes} nodes Ready at ${nodesReadyS.toFixed(0)} s, ${pods.length} pods Running at ${podsRunningS.toFixed(0)} s${complete ? '' : ' (TIMED OUT)'}`);
  return { nodes, pods: pods.length, hpas, createHpasS, createNodesS, nodesReadyS, createPodsS, podsRunningS, complete };
}

/** Nodes whose Ready condition is True, listed in pages: after a window, whether kwok kept them Ready. */
export async function readyNodes(bulk: Bulk): Promise<number> {
  let ready = 0;
  let cont = '';
  do {
    const page = await bulk.getJson<{ items: V1Node[]; metadata: { continue?: string } }>(`/api/v1/nodes?limit=1000${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
    ready += page.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    cont = page.metadata.continue ?? '';
  } while (cont);
  return ready;
}

/** Polls every 2 s until `check` holds (true) or the deadline passes (false). */
async function until(deadline: number, check: () => Promise<boolean>): Promise<boolean> {
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true;
    await sleep(2_000);
  }
  return false;
}
