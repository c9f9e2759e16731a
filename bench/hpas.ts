/**
 * The HPA doctor's share of the scale section: `count` HPAs, each on its own Deployment (0 replicas: no pods beyond
 * the section's own, and the HPA controller leaves a target at 0 alone), spread over the load namespaces. The doctor
 * reads each HPA's scale target once per pass; the apiserver's audit log counts those reads.
 */
import type { V1Deployment, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { AuditEvent } from './audit.js';
import type { Bulk } from './bulk.js';
import { progress } from './log.js';

const targetOf = (i: number): string => `hpa-target-${i}`;

const deployment = (i: number): V1Deployment => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: targetOf(i), labels: { bench: 'hpa' } },
  spec: {
    replicas: 0, selector: { matchLabels: { app: targetOf(i) } },
    template: { metadata: { labels: { app: targetOf(i) } }, spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10',
      resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } },
  },
});

const hpa = (i: number): V2HorizontalPodAutoscaler => ({
  apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: `hpa-${i}`, labels: { bench: 'hpa' } },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: targetOf(i) }, minReplicas: 1, maxReplicas: 4,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
  },
});

/** Creates `count` Deployments and HPAs round-robin over `namespaces`; returns the seconds it took. */
export async function populateHpas(bulk: Bulk, namespaces: readonly string[], count: number, concurrency: number): Promise<number> {
  const t = performance.now();
  const ns = (i: number) => namespaces[i % namespaces.length]!;
  const ids = Array.from({ length: count }, (_, i) => i);
  await bulk.createAll(ids.map((i) => ({ path: `/apis/apps/v1/namespaces/${ns(i)}/deployments`, body: deployment(i) })), concurrency);
  await bulk.createAll(ids.map((i) => ({ path: `/apis/autoscaling/v2/namespaces/${ns(i)}/horizontalpodautoscalers`, body: hpa(i) })), concurrency);
  const s = (performance.now() - t) / 1000;
  progress(`${count} HPAs (each on its own Deployment) created in ${s.toFixed(0)} s`);
  return s;
}

/** The doctor's reads of the HPAs' scale targets (GET of the bench's hpa-target Deployments) among `events`. */
export const targetReads = (events: readonly AuditEvent[]): number =>
  events.filter((e) => e.verb === 'get' && e.resource === 'deployments' && (e.name ?? '').startsWith('hpa-target-')).length;
