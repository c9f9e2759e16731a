import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { KWOK_NODE_ANNOTATION } from './kwok-nodes.js';

/** Stage, CRD and Metric YAMLs copied from kwok v0.8.0; see hack/testenv/kwok/. */
export const KWOK_ASSETS = fileURLToPath(new URL('../../hack/testenv/kwok/', import.meta.url));
export const KWOK_CRD_FILES = ['metrics', 'resourceusages', 'clusterresourceusages']
  .map((c) => join(KWOK_ASSETS, 'crds', `kwok.x-k8s.io_${c}.yaml`));
export const KWOK_CRD_NAMES = ['metrics', 'resourceusages', 'clusterresourceusages'].map((c) => `${c}.kwok.x-k8s.io`);
/** Pod IPs come from here (EKS pods get VPC addresses; 10.0.128.0/17 stays clear of the node subnets). */
export const KWOK_POD_CIDR = '10.0.128.0/17';

/**
 * Flags for the `kwok` binary (not kwokctl). Stages come from --config (a static file: kwok refuses to start
 * without stages unless Stage is a CRD); Metric and (Cluster)ResourceUsage are CRDs so tests can change them live.
 * --node-port puts kwok's own port into every node's status.daemonEndpoints.kubeletEndpoint, as a kubelet's 10250.
 */
export function kwokArgs(o: { kubeconfig: string; port: number; cert: string; key: string }): string[] {
  return [
    `--kubeconfig=${o.kubeconfig}`,
    `--config=${join(KWOK_ASSETS, 'stages.yaml')}`,
    '--manage-all-nodes=false',
    `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION.key}=${KWOK_NODE_ANNOTATION.value}`,
    `--server-address=127.0.0.1:${o.port}`,
    `--node-port=${o.port}`,
    `--tls-cert-file=${o.cert}`,
    `--tls-private-key-file=${o.key}`,
    `--cidr=${KWOK_POD_CIDR}`,
    // The heartbeat stage renews node status only every ~10 min and relies on node leases in between, as kubelets do.
    // Leases default to off when kwok runs from a Stage-only --config: the node lifecycle controller then finds every
    // node stale after its 50 s grace period, and marks every pod NotReady (and so out of its Service's endpoints).
    '--node-lease-duration-seconds=40',
    '--enable-crds=Metric,ResourceUsage,ClusterResourceUsage',
  ];
}

/** Simulated usage, as Kubernetes quantities: { cpu: '250m', memory: '100Mi' }. CPU is cores, not a counter. */
export interface Usage { cpu?: string; memory?: string }

const toUsages = (u: Usage, containers?: string[]) => [{
  ...(containers ? { containers } : {}),
  usage: Object.fromEntries(Object.entries(u).filter(([, v]) => v !== undefined).map(([k, v]) => [k, { value: v }])),
}];

const FIELD_MANAGER = 'metricsstack-test';

/**
 * Helpers that set what kwok reports as pods' CPU/memory. A ResourceUsage (one per pod, same name and namespace)
 * wins over any ClusterResourceUsage; among ClusterResourceUsages the first that matches wins.
 */
export function kwokUsage(kc: KubeConfig) {
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const core = kc.makeApiClient(CoreV1Api);
  const apply = (o: KubernetesObject) => objects.patch(o, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  return {
    /** Sets usage for one pod by name, or for every pod a label selector matches now. Returns the pod names. */
    async setPodUsage(namespace: string, pod: string | { labelSelector: string }, usage: Usage,
      containers?: string[]): Promise<string[]> {
      const names = typeof pod === 'string' ? [pod]
        : (await core.listNamespacedPod({ namespace, labelSelector: pod.labelSelector })).items.map((p) => p.metadata!.name!);
      for (const name of names) {
        await apply({ apiVersion: 'kwok.x-k8s.io/v1alpha1', kind: 'ResourceUsage', metadata: { name, namespace },
          spec: { usages: toUsages(usage, containers) } } as KubernetesObject);
      }
      return names;
    },
    /** Usage for pods the selector matches, including pods created later (e.g. by an HPA scale-up). */
    async setClusterUsage(name: string, selector: { namespaces?: string[]; podNames?: string[] }, usage: Usage,
      containers?: string[]): Promise<void> {
      await apply({ apiVersion: 'kwok.x-k8s.io/v1alpha1', kind: 'ClusterResourceUsage', metadata: { name },
        spec: { selector: { matchNamespaces: selector.namespaces, matchNames: selector.podNames },
          usages: toUsages(usage, containers) } } as KubernetesObject);
    },
  };
}

/** GETs a path from kwok's server on 127.0.0.1 over plain HTTP (kwok serves HTTP and HTTPS on one port). */
export function kwokGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => { body += c; }).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: timeout`))).on('error', reject).end();
  });
}

/** A node's simulated kubelet /metrics/resource, in Prometheus text format. */
export async function scrapeNodeMetrics(port: number, nodeName: string): Promise<string> {
  const res = await kwokGet(port, `/metrics/nodes/${nodeName}/metrics/resource`);
  if (res.status !== 200) throw new Error(`kwok /metrics/nodes/${nodeName}: HTTP ${res.status}: ${res.body.slice(0, 200)}`);
  return res.body;
}

/** The value of the first sample of `name` whose labels include `labels`; undefined if none. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}
