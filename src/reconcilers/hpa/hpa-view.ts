/** What the doctor reads off an autoscaling/v2 HPA: its conditions, the APIs its metrics need, KEDA's mark. */
import type { V2HorizontalPodAutoscaler, V2HorizontalPodAutoscalerCondition } from '@kubernetes/client-node';
import type { MetricsApi } from './facts.js';

/** The HPA's own condition of `type` (AbleToScale, ScalingActive, ScalingLimited). */
export const hpaCondition = (hpa: V2HorizontalPodAutoscaler, type: string): V2HorizontalPodAutoscalerCondition | undefined =>
  hpa.status?.conditions?.find((c) => c.type === type);

/** The metrics APIs the HPA's metric sources read, in a stable order. */
export function neededApis(hpa: V2HorizontalPodAutoscaler): MetricsApi[] {
  const needs = new Set<MetricsApi>();
  for (const m of hpa.spec?.metrics ?? []) {
    if (m.type === 'Resource' || m.type === 'ContainerResource') needs.add('metrics');
    if (m.type === 'Pods' || m.type === 'Object') needs.add('custom');
    if (m.type === 'External') needs.add('external');
  }
  // No metrics at all: the HPA controller defaults to 80 % CPU.
  if ((hpa.spec?.metrics ?? []).length === 0) needs.add('metrics');
  return (['metrics', 'custom', 'external'] as const).filter((a) => needs.has(a));
}

/** A resource the HPA scales on by utilization: every container (or the named one) needs a request for it. */
export interface UtilizationNeed {
  readonly resource: string;
  /** ContainerResource: only this container. */
  readonly container?: string;
}

export function utilizationNeeds(hpa: V2HorizontalPodAutoscaler): UtilizationNeed[] {
  const metrics = hpa.spec?.metrics ?? [];
  if (metrics.length === 0) return [{ resource: 'cpu' }];
  return metrics.flatMap((m): UtilizationNeed[] => {
    if (m.type === 'Resource' && m.resource?.target.type === 'Utilization') return [{ resource: m.resource.name }];
    if (m.type === 'ContainerResource' && m.containerResource?.target.type === 'Utilization') {
      return [{ resource: m.containerResource.name, container: m.containerResource.container }];
    }
    return [];
  });
}

/** Pods and Object metric names the HPA asks the custom metrics API for. */
export const customMetricNames = (hpa: V2HorizontalPodAutoscaler): string[] =>
  (hpa.spec?.metrics ?? []).flatMap((m) => (m.type === 'Pods' ? [m.pods?.metric.name ?? ''] : m.type === 'Object' ? [m.object?.metric.name ?? ''] : []))
    .filter((n) => n !== '');

/** KEDA makes its HPAs from ScaledObjects: it labels them and owns them. */
export const isKedaHpa = (hpa: V2HorizontalPodAutoscaler): boolean =>
  hpa.metadata?.labels?.['scaledobject.keda.sh/name'] !== undefined ||
  (hpa.metadata?.ownerReferences ?? []).some((o) => o.kind === 'ScaledObject' && o.apiVersion.startsWith('keda.sh/'));

/** `namespace/name` of the HPA. */
export const hpaKey = (hpa: V2HorizontalPodAutoscaler): string => `${hpa.metadata?.namespace ?? ''}/${hpa.metadata?.name ?? ''}`;

/** Minutes since a condition last changed. */
export const minutesSince = (c: V2HorizontalPodAutoscalerCondition | undefined, now: Date): number =>
  c?.lastTransitionTime ? (now.getTime() - new Date(c.lastTransitionTime).getTime()) / 60_000 : 0;

/** The HPA informer's update predicate: its conditions' verdicts or its spec changed (not every metric sample). */
export const hpaVerdictInputsChanged = (old: V2HorizontalPodAutoscaler | undefined, next: V2HorizontalPodAutoscaler): boolean =>
  !old || verdictInputsKey(old) !== verdictInputsKey(next);

/** What of an HPA its verdict depends on: the object itself (uid), its spec (generation), its conditions' verdicts. */
export const verdictInputsKey = (h: V2HorizontalPodAutoscaler): string =>
  `${h.metadata?.uid ?? ''}/${h.metadata?.generation ?? ''}/` + (h.status?.conditions ?? []).map((c) => `${c.type}=${c.status}/${c.reason ?? ''}`).join(',');

/** Keeps what the doctor reads: drops managedFields and annotations (last-applied copies of the spec). */
export function trimHpa<T>(obj: T): T {
  const h = obj as V2HorizontalPodAutoscaler;
  const { managedFields: _m, annotations: _a, ...metadata } = h.metadata ?? {};
  return { ...h, metadata } as T;
}
