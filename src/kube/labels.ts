import type { KubernetesObject } from '@kubernetes/client-node';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, OWNER_LABEL, ownershipLabels } from '../render/common/ownership.js';

/** Field manager for every server-side apply the operator makes. */
export const FIELD_MANAGER = 'metricsstack-operator';
export const FINALIZER = 'metricsstack.io/cleanup';
/** Label selector for the informers: we watch only what we own, so memory does not grow with the cluster. */
export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;

/** The MetricsStack that owns this object, or undefined when the operator did not create it. */
export function ownerOf(obj: KubernetesObject): string | undefined {
  const labels = obj.metadata?.labels ?? {};
  return labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE ? labels[OWNER_LABEL] : undefined;
}

/** Returns a copy of a rendered child with the ownership labels set (render output is never mutated). */
export function withOwnership<T extends KubernetesObject>(obj: T, owner: string): T {
  return {
    ...obj,
    metadata: { ...obj.metadata, labels: { ...obj.metadata?.labels, ...ownershipLabels(owner) } },
  };
}

/** Field managers other than ours that have written to an object: names the culprit in a conflict message. */
export function otherManagers(obj: KubernetesObject): string[] {
  const managers = (obj.metadata?.managedFields ?? []).map((f) => f.manager ?? 'unknown');
  return [...new Set(managers.filter((m) => m !== FIELD_MANAGER))].sort();
}
