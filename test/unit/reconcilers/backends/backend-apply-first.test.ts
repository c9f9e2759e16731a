import type { KubernetesObject } from '@kubernetes/client-node';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../../../src/api/v1alpha1/defaults.js';
import type { Applier } from '../../../../src/kube/applier.js';
import { BackendReconciler, type BackendPlan, type MetricsBackend } from '../../../../src/reconcilers/backends/backend.js';
import { StackContext } from '../../../../src/reconcilers/stack/context.js';

const ctx = () => new StackContext(
  { apiVersion: 'metricsstack.io/v1alpha1', kind: 'MetricsStack', metadata: { name: 'default' }, spec: {} },
  withDefaults({}), new Date('2026-01-01T00:00:00Z'), pino({ level: 'silent' }));
const obj = (kind: string, name: string): KubernetesObject => ({ apiVersion: 'v1', kind, metadata: { name, namespace: 'kube-system' } });
const noAPIServices = { get: () => undefined, list: () => [] };

/** metrics-server rotating its CA: the APIService goes first, then the Secret and the Deployment. */
function rotating(plan: Partial<BackendPlan> = {}): MetricsBackend {
  return {
    name: 'metrics-server', enabled: () => true, apiServices: () => [], conditionTypes: () => ['MetricsAPIAvailable'], clear: () => undefined,
    startupGraceMs: () => 0,
    plan: async () => ({
      applyFirst: [obj('APIService', 'v1beta1.metrics.k8s.io')], objects: [obj('Secret', 'metrics-server-serving-cert'), obj('Deployment', 'metrics-server')],
      adopt: false, adoptField: 'spec.metricsServer.adoptExisting', requeueAfterMs: 5_000, ...plan,
    }),
    verify: async () => ({}),
  };
}

/** Applies everything, except that `refuse` answers a conflict and `fail` throws (an admission webhook, a timeout). */
function applier(o: { refuse?: string; fail?: string } = {}) {
  const applied: string[] = [];
  const apply = async (x: KubernetesObject) => {
    if (x.kind === o.fail) throw new Error(`${x.kind} denied`);
    if (x.kind === o.refuse) return { result: 'conflict' as const, message: `${x.kind} ${x.metadata?.name} belongs to someone else.` };
    applied.push(x.kind ?? '');
    return { result: 'applied' as const, object: x };
  };
  return { applied, applier: { apply } as unknown as Applier };
}

describe('applying a new CA before the certificate it trusts', () => {
  it('GIVEN applyFirst, THEN it is applied before everything else, and the rotation\'s poll is the requeue', async () => {
    const a = applier();
    const r = await new BackendReconciler(rotating(), { applier: a.applier, apiServices: noAPIServices }).reconcile(ctx());
    expect(a.applied).toEqual(['APIService', 'Secret', 'Deployment']);
    expect(r.requeueAfterMs).toBe(5_000);
    expect(r.wanted).toMatchObject({ known: true });
  });

  it('GIVEN the APIService is refused, THEN neither the Secret nor the pods change, nothing is pruned, and the conditions say why', async () => {
    const a = applier({ refuse: 'APIService' });
    const c = ctx();
    const r = await new BackendReconciler(rotating(), { applier: a.applier, apiServices: noAPIServices }).reconcile(c);
    expect(a.applied).toEqual([]);
    expect(r.wanted).toMatchObject({ known: false });
    expect(c.status.conditions?.[0]).toMatchObject({
      type: 'MetricsAPIAvailable', status: 'False', reason: 'Conflict',
      message: 'APIService v1beta1.metrics.k8s.io belongs to someone else. metrics-server was not changed: its serving certificate is not rotated ' +
        'until these APIServices can trust the new CA.',
    });
  });

  it('GIVEN applying the APIService fails, THEN the pass fails before the Secret is written', async () => {
    const a = applier({ fail: 'APIService' });
    await expect(new BackendReconciler(rotating(), { applier: a.applier, apiServices: noAPIServices }).reconcile(ctx())).rejects.toThrow('APIService denied');
    expect(a.applied).toEqual([]);
  });

  it('GIVEN the Deployment update is denied after the Secret, THEN the APIService already trusts both CAs', async () => {
    const a = applier({ fail: 'Deployment' });
    await expect(new BackendReconciler(rotating(), { applier: a.applier, apiServices: noAPIServices }).reconcile(ctx())).rejects.toThrow('Deployment denied');
    expect(a.applied).toEqual(['APIService', 'Secret']);
  });
});
