/**
 * The HPA doctor's CPU per pass, in process: `HPA_PASS_HPAS` HPAs (default 1,000) like the scale section's (each on
 * its own Deployment at 0 replicas, the HPA controller's ScalingActive=False/ScalingDisabled), facts served from
 * memory so only the doctor's own work is timed (reads, verdicts, summary, gauge, events), `HPA_PASS_N` passes after
 * a first one that fills the target memo. Prints ms per pass (median, min–max). Profile with `node --cpu-prof`.
 *
 *   node --experimental-transform-types --no-warnings scripts/run-ts.mjs bench/hpa-pass.ts
 */
import type { V1Deployment, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import pino from 'pino';
import { OperatorMetrics } from '../src/controllers/metrics.js';
import { HpaDoctor } from '../src/reconcilers/hpa/doctor.js';
import type { StackContext } from '../src/reconcilers/stack/context.js';
import { out } from './log.js';
import { median } from './stats.js';

const count = Number(process.env.HPA_PASS_HPAS ?? 1000);
const passes = Number(process.env.HPA_PASS_N ?? 200);
// Live heap beside the doctor, as a populated cluster's caches hold it: `HPA_PASS_NODES` node-sized objects (labels,
// annotations, addresses), so the collector's cost of a pass can be compared at 0 and at 5,000 nodes.
const ballast = Array.from({ length: Number(process.env.HPA_PASS_NODES ?? 0) }, (_, i) => ({
  metadata: { name: `node-${i}`, uid: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`, resourceVersion: String(5000 + i),
    labels: Object.fromEntries(Array.from({ length: 12 }, (_, k) => [`label-${k}.example.com/key`, `value-${k}-${i}`])),
    annotations: Object.fromEntries(Array.from({ length: 4 }, (_, k) => [`annotation-${k}.example.com/key`, `value-${k}-${i}`])) },
  spec: { providerID: `aws:///us-east-1a/i-${String(i).padStart(17, '0')}` },
  status: { addresses: [{ type: 'InternalIP', address: `198.18.${i >> 8}.${i & 255}` }, { type: 'Hostname', address: `node-${i}` }] },
}));
const at = new Date(Date.now() - 3_600_000).toISOString();
const hpas: V2HorizontalPodAutoscaler[] = Array.from({ length: count }, (_, i) => ({
  apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler',
  metadata: { name: `hpa-${i}`, namespace: `load-${i % 10}`, uid: `uid-${i}`, generation: 1, resourceVersion: String(1000 + i) },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `hpa-target-${i}` }, minReplicas: 1, maxReplicas: 4,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }] },
  status: { currentReplicas: 0, desiredReplicas: 0, currentMetrics: null as never, conditions: [
    { type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale', message: 'the HPA controller was able to get the target\'s current scale', lastTransitionTime: at as never },
    { type: 'ScalingActive', status: 'False', reason: 'ScalingDisabled', message: 'scaling is disabled since the replica count of the target is zero', lastTransitionTime: at as never },
  ] },
}));
const target = (name: string): V1Deployment => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
  spec: { replicas: 0, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } },
    spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } } },
});
// With --expose-gc: the heap the doctor keeps between passes (memo, reported causes, gauge series), HPAs excluded.
const gc = (globalThis as { gc?: () => void }).gc;
const heapMiB = () => { gc?.(); return process.memoryUsage().heapUsed / 2 ** 20; };
const heapBefore = heapMiB();
const metrics = new OperatorMetrics({ defaultMetrics: false });
let events = 0;
const doctor = new HpaDoctor({
  hpas: { get: () => undefined, list: () => hpas },
  reads: {
    read: async <T>(_v: string, kind: string, name: string) => (kind === 'Deployment' ? target(name) : undefined) as T | undefined,
    listPods: async () => [],
    discover: async () => undefined,
  },
  ownFargateNodes: () => [],
  events: { event: async () => { events++; } },
  gauge: metrics.hpaFindings,
  targetTtlMs: 3_600_000,
});
const ctx = (): StackContext => ({
  name: 'default', now: new Date(), spec: { resourceMetrics: { provider: 'metrics-server' }, metricsServer: { replicas: 2, kubeletTLS: 'Insecure' } }, status: {}, log: pino({ level: 'silent' }),
  placement: { namespace: 'kube-system' },
} as unknown as StackContext);

await doctor.reconcile(ctx());
const ms: number[] = [];
for (let i = 0; i < passes; i++) {
  const t = performance.now();
  await doctor.reconcile(ctx());
  ms.push(performance.now() - t);
}
ms.sort((a, b) => a - b);
const kept = gc ? `; the doctor keeps ${(heapMiB() - heapBefore).toFixed(2)} MiB of heap between passes` : '';
out(`${count} HPAs, ${ballast.length} node-sized objects held, ${passes} passes after the first: ${median(ms).toFixed(2)} ms per pass (${ms[0]!.toFixed(2)}–${ms.at(-1)!.toFixed(2)}); ${events} events${kept}`);
