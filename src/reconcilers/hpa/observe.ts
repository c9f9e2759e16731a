/**
 * Gathers an HPA's facts for the doctor with the fewest reads: one read of the scale target per HPA per pass; the
 * target's pods are listed only when the HPA itself reports missing pod metrics or sits at maxReplicas.
 */
import type { KubernetesObject, V1APIService, V1ConfigMap, V1Deployment, V1Pod, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { ownerOf } from '../../kube/labels.js';
import { API_SERVICE_NAMES, type ApiServiceFacts, type HpaFacts, type MetricsApi, type MetricsServerReach, type TargetFacts } from './facts.js';
import { hpaCondition } from './hpa-view.js';

/** The reads the observer makes; both the operator (KubeClient) and the plugin provide them. */
export interface HpaReads {
  /** undefined: not found. */
  read<T extends KubernetesObject>(apiVersion: string, kind: string, name: string, namespace?: string): Promise<T | undefined>;
  listPods(namespace: string, labelSelector: string): Promise<readonly V1Pod[]>;
  /** Resource names an aggregated API's discovery lists (`pods/http_requests_per_second`); undefined: it did not answer. */
  discover(group: string, version: string): Promise<readonly string[] | undefined>;
}

/** Kinds whose pod template the doctor reads (they share the Deployment shape of spec.replicas/selector/template). */
const TEMPLATED = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

export async function readTarget(reads: HpaReads, hpa: V2HorizontalPodAutoscaler): Promise<TargetFacts | 'missing' | undefined> {
  const ref = hpa.spec?.scaleTargetRef;
  if (!ref || !TEMPLATED.has(ref.kind) || !(ref.apiVersion ?? '').startsWith('apps/')) return undefined;
  const obj = await reads.read<V1Deployment>('apps/v1', ref.kind, ref.name, hpa.metadata?.namespace);
  if (!obj) return 'missing';
  const pod = obj.spec?.template.spec;
  const sidecars = (pod?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  const sel = obj.spec?.selector;
  return {
    kind: ref.kind, name: ref.name, replicas: obj.spec?.replicas ?? 1,
    hasSelector: Object.keys(sel?.matchLabels ?? {}).length + (sel?.matchExpressions ?? []).length > 0,
    containers: [...(pod?.containers ?? []), ...sidecars].map((c) => ({ name: c.name, ...(c.resources ? { resources: c.resources } : {}) })),
    podSelector: labelSelector(sel?.matchLabels),
  };
}

const labelSelector = (labels: Record<string, string> | undefined): string =>
  Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');

const METRICS_APIS: readonly MetricsApi[] = ['metrics', 'custom', 'external'];

/**
 * The metrics APIServices, read by name once per pass (they are not ours when another installer serves them): only
 * `apis`, at once. The doctor asks only for the APIs some HPA's metrics need, so a cluster without HPAs costs no read
 * (each pass's GETs are on the way to the status write: bench section 1). An API not asked for has no key; one
 * asked for and not registered is undefined.
 */
export async function readApiServices<A extends MetricsApi>(reads: HpaReads, apis: readonly A[] = METRICS_APIS as readonly A[]):
  Promise<Record<A, ApiServiceFacts | undefined>> {
  const one = async (api: MetricsApi): Promise<ApiServiceFacts | undefined> => {
    for (const name of API_SERVICE_NAMES[api]) {
      const a = await reads.read<V1APIService>('apiregistration.k8s.io/v1', 'APIService', name);
      if (a) return apiServiceFacts(a);
    }
    return undefined;
  };
  const facts = await Promise.all(apis.map(one));
  return Object.fromEntries(apis.map((api, k) => [api, facts[k]])) as Record<A, ApiServiceFacts | undefined>;
}

export function apiServiceFacts(a: V1APIService): ApiServiceFacts {
  const c = a.status?.conditions?.find((x) => x.type === 'Available');
  const svc = a.spec?.service;
  return {
    name: a.metadata?.name ?? '', available: (c?.status ?? 'Unknown') as ApiServiceFacts['available'], reason: c?.reason, message: c?.message,
    ...(ownerOf(a) !== undefined && { owner: ownerOf(a) }),
    ...(svc?.name ? { service: { namespace: svc.namespace ?? '', name: svc.name } } : {}),
  };
}

/** Whether an HPA's verdict needs its target's pods: it says its pods have no metrics, or it is held at maxReplicas. */
export function needsPodFacts(hpa: V2HorizontalPodAutoscaler, target: TargetFacts | 'missing' | undefined): boolean {
  if (typeof target !== 'object' || !target.podSelector) return false;
  const active = hpaCondition(hpa, 'ScalingActive');
  const limited = hpaCondition(hpa, 'ScalingLimited');
  const noPodMetrics = active?.status === 'False' && /no metrics returned|did not receive metrics|unable to fetch metrics/.test(active.message ?? '');
  const atMax = limited?.status === 'True' && limited.reason === 'TooManyReplicas';
  return noPodMetrics || atMax;
}

/** Pod facts, only for an HPA that needs them (needsPodFacts). */
export async function readPodFacts(reads: HpaReads, hpa: V2HorizontalPodAutoscaler, target: TargetFacts | 'missing' | undefined):
  Promise<Pick<HpaFacts, 'podNodes' | 'pendingPods'>> {
  if (!needsPodFacts(hpa, target) || typeof target !== 'object' || !target.podSelector) return {};
  const pods = await reads.listPods(hpa.metadata?.namespace ?? '', target.podSelector);
  return {
    podNodes: [...new Set(pods.map((p) => p.spec?.nodeName ?? '').filter((n) => n !== ''))].sort(),
    pendingPods: pods.filter((p) => p.status?.phase === 'Pending').length,
  };
}

/** The metrics-server side of pod placement, from the operator's own pod cache and the node cache. */
export const metricsServerReach = (ownFargateNodes: readonly string[]): MetricsServerReach => ({ ownFargateNodes, unreachable: new Map() });

/** Metric names custom.metrics.k8s.io lists (`pods/<name>` → `<name>`), when it is Available; once per pass. */
export async function readCustomMetricNames(reads: HpaReads, custom: ApiServiceFacts | undefined): Promise<string[] | undefined> {
  if (custom?.available !== 'True') return undefined;
  const version = custom.name.split('.')[0] ?? 'v1beta1';
  const names = await reads.discover('custom.metrics.k8s.io', version);
  return names && [...new Set(names.map((n) => n.split('/').slice(1).join('/') || n))].sort();
}

/** Cluster Autoscaler's own status: `data.status` of kube-system/cluster-autoscaler-status; null when it does not exist. */
export async function readClusterAutoscalerStatus(reads: HpaReads): Promise<string | null | undefined> {
  try {
    const cm = await reads.read<V1ConfigMap>('v1', 'ConfigMap', 'cluster-autoscaler-status', 'kube-system');
    return cm ? (cm.data?.status ?? '') : null;
  } catch {
    // Not readable (RBAC): the finding still stands, without CA's words.
    return undefined;
  }
}
