/**
 * Handing an API (metrics.k8s.io on a provider switch) from one backend of a MetricsStack to another without a
 * moment in which neither serves: the APIService keeps pointing at the old backend's Service until the new backend's
 * pods are ready, then it is repointed, and only on the pass after that does the parent prune the old backend.
 * Pure decisions here; BackendReconciler does the I/O.
 */
import type { KubernetesObject, V1APIService, V1Deployment } from '@kubernetes/client-node';
import type { ConditionType } from '../../api/v1alpha1/conditions.js';
import { ownerOf } from '../../kube/labels.js';
import { objectId } from '../stack/apply-set.js';
import type { ObjectCache } from '../stack/context.js';

/** An APIService this stack already has, pointing at another Service than the one the backend renders. */
export interface Handover {
  readonly name: string;
  /** `namespace/name` of the Service it points at now, and of the one it should point at. */
  readonly from: string;
  readonly to: string;
  readonly live: V1APIService;
}

/** While a handover waits, look again this soon: Deployment status changes do not wake the reconciler. */
export const HANDOVER_POLL_MS = 3_000;

/** The condition that reports an API, by APIService name (`<version>.<group>`). */
export function conditionTypeForAPIService(name: string): ConditionType | undefined {
  const group = name.split('.').slice(1).join('.');
  const byGroup: Readonly<Record<string, ConditionType>> = {
    'metrics.k8s.io': 'MetricsAPIAvailable', 'custom.metrics.k8s.io': 'CustomMetricsAPIAvailable', 'external.metrics.k8s.io': 'ExternalMetricsAPIAvailable',
  };
  return byGroup[group];
}

const serviceOf = (a: V1APIService): string => `${a.spec?.service?.namespace ?? ''}/${a.spec?.service?.name ?? ''}`;

/**
 * The rendered APIServices that must wait for a handover: this stack's own live APIService points elsewhere. Foreign
 * APIServices are not handovers (conflict or adoption rules apply); absent ones are simply created.
 */
/** The APIServices among `names` that another MetricsStack owns, each as a sentence for the Conflict message. */
export function foreignClaims(apiServices: ObjectCache<V1APIService>, names: readonly string[], owner: string): string[] {
  return names.flatMap((name) => {
    const claimant = ownerOf(apiServices.get(name) ?? {});
    return claimant && claimant !== owner ? [`APIService ${name} belongs to MetricsStack "${claimant}"`] : [];
  });
}

export function pendingHandovers(objects: readonly KubernetesObject[], apiServices: ObjectCache<V1APIService>, owner: string): Handover[] {
  return objects.filter((o) => o.kind === 'APIService').flatMap((o) => {
    const live = apiServices.get(o.metadata?.name ?? '');
    if (!live || ownerOf(live) !== owner) return [];
    const from = serviceOf(live);
    const to = serviceOf(o as V1APIService);
    return from === to ? [] : [{ name: o.metadata?.name ?? '', from, to, live }];
  });
}

/** Whether every rendered Deployment has at least one ready pod of its current generation, as seen after the apply. */
export function workloadsReady(objects: readonly KubernetesObject[], live: ReadonlyMap<string, KubernetesObject>): { ready: boolean; detail: string } {
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const states = deployments.map((d) => {
    const l = live.get(objectId(d)) as V1Deployment | undefined;
    const current = (l?.status?.observedGeneration ?? 0) >= (l?.metadata?.generation ?? 1);
    const ready = current ? (l?.status?.readyReplicas ?? 0) : 0;
    return { ok: ready >= 1, text: `Deployment ${d.metadata?.namespace}/${d.metadata?.name}: ${ready}/${l?.spec?.replicas ?? '?'} pods ready` };
  });
  return { ready: states.length > 0 && states.every((s) => s.ok), detail: states.map((s) => s.text).join(', ') || 'no Deployment rendered' };
}
