import type { KubernetesObject, V1APIService } from '@kubernetes/client-node';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../../../src/api/v1alpha1/defaults.js';
import type { MetricsStack } from '../../../../src/api/v1alpha1/types.js';
import type { Applier } from '../../../../src/kube/applier.js';
import { ownershipLabels } from '../../../../src/render/common/ownership.js';
import { BackendReconciler, type BackendPlan, type MetricsBackend } from '../../../../src/reconcilers/backends/backend.js';
import { conditionTypeForAPIService, pendingHandovers } from '../../../../src/reconcilers/backends/handover.js';
import { StackContext, type ObjectCache } from '../../../../src/reconcilers/stack/context.js';

const stack: MetricsStack = { apiVersion: 'metricsstack.io/v1alpha1', kind: 'MetricsStack', metadata: { name: 'default', generation: 2 }, spec: {} };
const ctx = () => new StackContext(stack, withDefaults({}), new Date('2026-01-01T00:00:00Z'), pino({ level: 'silent' }));
const apiService = (ns: string, name: string, owner = 'default'): V1APIService => ({
  apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService',
  metadata: { name: 'v1beta1.metrics.k8s.io', labels: owner ? ownershipLabels(owner) : {} },
  spec: { group: 'metrics.k8s.io', version: 'v1beta1', service: { namespace: ns, name }, groupPriorityMinimum: 100, versionPriority: 100 },
});
const deployment = (readyReplicas: number): KubernetesObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'prometheus-adapter', namespace: 'monitoring', generation: 1 },
  spec: { replicas: 1 }, status: { observedGeneration: 1, readyReplicas },
} as KubernetesObject);
const cache = (objs: V1APIService[]): ObjectCache<V1APIService> => ({ get: (n) => objs.find((o) => o.metadata?.name === n), list: () => objs });

/** An applier that records what it applied and answers with `live` (the Deployment's status, as after an apply). */
function recordingApplier(live: Record<string, KubernetesObject> = {}) {
  const applied: string[] = [];
  const applier = {
    apply: async (o: KubernetesObject) => {
      applied.push(`${o.kind}/${o.metadata?.name}`);
      return { result: 'applied' as const, object: live[o.kind ?? ''] ?? o };
    },
  } as unknown as Applier;
  return { applier, applied };
}

/** The adapter taking metrics.k8s.io over from metrics-server: a Deployment and the APIService pointing at it. */
function backend(plan: Partial<BackendPlan> = {}): MetricsBackend & { verified: number } {
  return {
    name: 'prometheus-adapter', verified: 0,
    enabled: () => true, apiServices: () => ['v1beta1.metrics.k8s.io'], conditionTypes: () => ['MetricsAPIAvailable'], clear: () => undefined,
    startupGraceMs: () => 30_000,
    plan: async () => ({ objects: [deployment(0), apiService('monitoring', 'prometheus-adapter')], adopt: false, adoptField: 'spec.prometheusAdapter.adoptExisting', ...plan }),
    async verify(c) { this.verified++; c.setCondition({ type: 'MetricsAPIAvailable', status: 'True', reason: 'MetricsAvailable', message: 'ok' }); return {}; },
  };
}

describe('handing metrics.k8s.io from one backend to another', () => {
  it('GIVEN our APIService routes to metrics-server and the adapter has no ready pod, THEN it is left alone, kept in the inventory, and nothing is pruned', async () => {
    const { applier, applied } = recordingApplier({ Deployment: deployment(0) });
    const c = ctx();
    const r = await new BackendReconciler(backend(), { applier, apiServices: cache([apiService('kube-system', 'metrics-server')]) }).reconcile(c);
    expect(applied).toEqual(['Deployment/prometheus-adapter']);
    expect(c.owned.map((o) => `${o.kind}/${o.name}`)).toEqual(['Deployment/prometheus-adapter', 'APIService/v1beta1.metrics.k8s.io']);
    expect(c.pruningHeldBy).toEqual(['prometheus-adapter: handing v1beta1.metrics.k8s.io over']);
    expect(c.status.conditions?.find((x) => x.type === 'MetricsAPIAvailable')).toMatchObject({
      status: 'Unknown', reason: 'HandoverInProgress',
      message: 'APIService v1beta1.metrics.k8s.io still routes to kube-system/metrics-server, which keeps serving until prometheus-adapter is ready (Deployment monitoring/prometheus-adapter: 0/1 pods ready); then it is repointed to monitoring/prometheus-adapter.',
    });
    expect(r.requeueAfterMs).toBe(3_000);
  });

  it('GIVEN the adapter has a ready pod, THEN the APIService is repointed, and metrics-server still survives this pass', async () => {
    const { applier, applied } = recordingApplier({ Deployment: deployment(1) });
    const c = ctx();
    await new BackendReconciler(backend(), { applier, apiServices: cache([apiService('kube-system', 'metrics-server')]) }).reconcile(c);
    expect(applied).toEqual(['Deployment/prometheus-adapter', 'APIService/v1beta1.metrics.k8s.io']);
    expect(c.pruningHeldBy).toHaveLength(1);
    expect(c.status.conditions?.find((x) => x.type === 'MetricsAPIAvailable')?.message).toContain('now routes to monitoring/prometheus-adapter');
  });

  it('GIVEN the APIService already routes to the adapter, THEN it is an ordinary pass: verified, and pruning may remove metrics-server', async () => {
    const { applier } = recordingApplier({ Deployment: deployment(1) });
    const b = backend();
    const c = ctx();
    const r = await new BackendReconciler(b, { applier, apiServices: cache([apiService('monitoring', 'prometheus-adapter')]) }).reconcile(c);
    // A positive statement naming what it applied: anything else of this backend's last inventory may be pruned.
    expect(r).toEqual({ wanted: { known: true, objects: [
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'prometheus-adapter', namespace: 'monitoring' },
      { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', name: 'v1beta1.metrics.k8s.io' },
    ] } });
    expect(b.verified).toBe(1);
    expect(c.pruningHeldBy).toEqual([]);
  });

  it('never hands over an APIService someone else owns: that is the Applier\'s conflict (or adoption) to decide', () => {
    expect(pendingHandovers([apiService('monitoring', 'prometheus-adapter')], cache([apiService('kube-system', 'metrics-server', '')]), 'default')).toEqual([]);
    expect(pendingHandovers([apiService('monitoring', 'prometheus-adapter')], cache([apiService('kube-system', 'metrics-server', 'other')]), 'default')).toEqual([]);
  });

  it('GIVEN a rejected plan, THEN nothing is applied, what runs is kept, and the conditions carry the reason', async () => {
    const { applier, applied } = recordingApplier();
    const c = ctx();
    await new BackendReconciler(backend({ rejected: { reason: 'InvalidSpec', message: 'rules[0] ...' } }), { applier, apiServices: cache([]) }).reconcile(c);
    expect(applied).toEqual([]);
    expect(c.pruningHeldBy).toEqual(['prometheus-adapter: InvalidSpec']);
    expect(c.status.conditions?.[0]).toMatchObject({ type: 'MetricsAPIAvailable', status: 'False', reason: 'InvalidSpec', message: 'rules[0] ...' });
  });

  it('maps APIService names to the condition that reports them', () => {
    expect(['v1beta1.metrics.k8s.io', 'v1beta2.custom.metrics.k8s.io', 'v1beta1.external.metrics.k8s.io', 'v1.example.io'].map(conditionTypeForAPIService))
      .toEqual(['MetricsAPIAvailable', 'CustomMetricsAPIAvailable', 'ExternalMetricsAPIAvailable', undefined]);
  });
});

describe('APIServices someone else holds', () => {
  /** custom + external metrics; the external APIService belongs to KEDA. */
  const adapterWithKEDA = (): MetricsBackend => ({
    name: 'prometheus-adapter',
    enabled: () => true, clear: () => undefined, startupGraceMs: () => 0,
    apiServices: () => ['v1beta1.custom.metrics.k8s.io', 'v1beta1.external.metrics.k8s.io'],
    conditionTypes: () => ['CustomMetricsAPIAvailable', 'ExternalMetricsAPIAvailable'],
    plan: async () => ({
      objects: ['v1beta1.custom.metrics.k8s.io', 'v1beta1.external.metrics.k8s.io'].map((name) => ({ apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name } })),
      adopt: false, adoptField: 'spec.prometheusAdapter.adoptExisting',
    }),
    async verify(c) {
      c.setCondition({ type: 'CustomMetricsAPIAvailable', status: 'True', reason: 'MetricsAvailable', message: 'ok' });
      c.setCondition({ type: 'ExternalMetricsAPIAvailable', status: 'Unknown', reason: 'APIServiceUnavailable', message: 'not ours' });
      return { requeueAfterMs: 10_000 };
    },
  });
  const kedaApplier = {
    apply: async (o: KubernetesObject) => (o.metadata?.name === 'v1beta1.external.metrics.k8s.io'
      ? { result: 'conflict' as const, message: 'APIService v1beta1.external.metrics.k8s.io already exists and is managed by keda-operator; it was left untouched. Set spec.prometheusAdapter.adoptExisting: true ...' }
      : { result: 'unchanged' as const, object: o }),
  } as unknown as Applier;

  it("GIVEN KEDA owns external.metrics.k8s.io, THEN only that API reports the Conflict and custom metrics are verified as usual", async () => {
    const c = ctx();
    const r = await new BackendReconciler(adapterWithKEDA(), { applier: kedaApplier, apiServices: cache([]) }).reconcile(c);
    expect(c.status.conditions?.map((x) => [x.type, x.status, x.reason])).toEqual([
      ['CustomMetricsAPIAvailable', 'True', 'MetricsAvailable'],
      ['ExternalMetricsAPIAvailable', 'False', 'Conflict'],
    ]);
    expect(c.status.conditions?.[1]?.message).toMatch(/^prometheus-adapter does not serve it: APIService v1beta1.external.metrics.k8s.io already exists and is managed by keda-operator/);
    expect(r.requeueAfterMs).toBeUndefined(); // polling cannot resolve a conflict
    expect(r.wanted).toMatchObject({ known: false, why: expect.stringMatching(/managed by keda-operator/) }); // keeps what it had
  });
});
