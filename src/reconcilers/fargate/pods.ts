/**
 * The metrics pods as the Fargate verifier needs them. The pod informer selects only pods carrying our managed-by
 * label, and keeps of each only what placement needs, so the cache stays small however many pods the cluster runs.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { OWNER_LABEL } from '../../render/common/ownership.js';
import { METRICS_SERVER_NAME, selectorLabels } from '../../render/metrics-server/labels.js';
import type { ObjectCache } from '../stack/context.js';
import type { PodSeen } from './decision.js';
import { byOrdinal } from '../../ordinal.js';

const KEPT_LABELS = [OWNER_LABEL, ...Object.keys(selectorLabels({ name: METRICS_SERVER_NAME })), 'app.kubernetes.io/name'];

/** Informer transform: name, namespace, a few labels, the node it runs on and its phase. */
export function trimPod<T>(obj: T): T {
  const p = obj as V1Pod;
  const labels = Object.fromEntries(Object.entries(p.metadata?.labels ?? {}).filter(([k]) => KEPT_LABELS.includes(k)));
  const trimmed: V1Pod = {
    metadata: {
      name: p.metadata?.name ?? '',
      namespace: p.metadata?.namespace ?? '',
      resourceVersion: p.metadata?.resourceVersion ?? '',
      labels,
      ...(p.metadata?.deletionTimestamp ? { deletionTimestamp: p.metadata.deletionTimestamp } : {}),
    },
    ...(p.spec?.nodeName ? { spec: { nodeName: p.spec.nodeName, containers: [] } } : {}),
    ...(p.status?.phase ? { status: { phase: p.status.phase } } : {}),
  };
  return trimmed as T;
}

/** Only a move to a node, a phase change or a deletion matters; status churn (probes, restarts) does not re-queue. */
export const podPlacementChanged = (old: V1Pod | undefined, next: V1Pod): boolean =>
  !old || old.spec?.nodeName !== next.spec?.nodeName || old.status?.phase !== next.status?.phase ||
  old.metadata?.deletionTimestamp !== next.metadata?.deletionTimestamp;

/** The live metrics-server pods of one stack in one namespace, as the verifier judges them. */
export function metricsServerPods(pods: ObjectCache<V1Pod>, owner: string, namespace: string): PodSeen[] {
  const selector = Object.entries(selectorLabels({ name: METRICS_SERVER_NAME }));
  return pods
    .list()
    .filter((p) => p.metadata?.namespace === namespace && p.metadata.labels?.[OWNER_LABEL] === owner && !p.metadata.deletionTimestamp)
    .filter((p) => selector.every(([k, v]) => p.metadata?.labels?.[k] === v))
    .filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
    .map((p) => ({ name: `${p.metadata?.namespace}/${p.metadata?.name}`, nodeName: p.spec?.nodeName }))
    .sort((a, b) => byOrdinal(a.name, b.name));
}
