import type { V1Deployment } from '@kubernetes/client-node';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Condition } from '../../../../src/api/v1alpha1/conditions.js';
import { withDefaults } from '../../../../src/api/v1alpha1/defaults.js';
import type { Applier } from '../../../../src/kube/applier.js';
import { BackendReconciler, type MetricsBackend } from '../../../../src/reconcilers/backends/backend.js';
import { MAX_UNCHANGED_RECHECK_MS, UnchangedFailureBackoff } from '../../../../src/reconcilers/backends/failure-backoff.js';
import { StackContext } from '../../../../src/reconcilers/stack/context.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
// The aggregator's verdict in its own words, as it reads while metrics-server's pods never answer.
const FAILED: Condition = {
  type: 'MetricsAPIAvailable', status: 'False', reason: 'FailedDiscoveryCheck', lastTransitionTime: at(0).toISOString(), observedGeneration: 2,
  message: 'failing or missing response from https://10.0.128.5:10250/apis/metrics.k8s.io/v1beta1: Get "https://10.0.128.5:10250/apis/metrics.k8s.io/v1beta1": context deadline exceeded',
};

describe('UnchangedFailureBackoff', () => {
  it('GIVEN a failure that reads the same pass after pass, THEN it is re-checked after a quarter of the time it has stood, 10 s at least and 5 min at most', () => {
    const b = new UnchangedFailureBackoff();
    const seen = [0, 10, 20, 40, 60, 120, 600, 1200, 3600].map((s) => b.at('uid-1', [FAILED], 10_000, at(s)));
    expect(seen).toEqual([10_000, 10_000, 10_000, 10_000, 15_000, 30_000, 150_000, MAX_UNCHANGED_RECHECK_MS, MAX_UNCHANGED_RECHECK_MS]);
  });

  it('GIVEN the failure changes (another reason, another message), THEN the next re-check is the backend\'s own 10 s again', () => {
    const b = new UnchangedFailureBackoff();
    b.at('uid-1', [FAILED], 10_000, at(0));
    expect(b.at('uid-1', [FAILED], 10_000, at(1200))).toBe(MAX_UNCHANGED_RECHECK_MS);
    const other = { ...FAILED, reason: 'MissingEndpoints', message: 'endpoints for service/metrics-server in "kube-system" have no addresses with port name "https"' };
    expect(b.at('uid-1', [other], 10_000, at(1210))).toBe(10_000);
    expect(b.at('uid-1', [{ ...other, message: `${other.message}.` }], 10_000, at(1220))).toBe(10_000);
  });

  it('GIVEN only the transition time or a True condition beside it differs, THEN it is the same failure', () => {
    const b = new UnchangedFailureBackoff();
    const ok: Condition = { type: 'CustomMetricsAPIAvailable', status: 'True', reason: 'MetricsAvailable', message: '3 metrics', lastTransitionTime: at(0).toISOString(), observedGeneration: 2 };
    b.at('uid-1', [FAILED, ok], 10_000, at(0));
    expect(b.at('uid-1', [{ ...FAILED, lastTransitionTime: at(5).toISOString() }, { ...ok, message: '4 metrics' }], 10_000, at(400))).toBe(100_000);
  });

  it('GIVEN the failure is gone, THEN it is forgotten: when it comes back it starts at 10 s', () => {
    const b = new UnchangedFailureBackoff();
    b.at('uid-1', [FAILED], 10_000, at(0));
    expect(b.at('uid-1', [{ ...FAILED, status: 'True', reason: 'MetricsAvailable', message: 'ok' }], 300_000, at(600))).toBe(300_000);
    expect(b.at('uid-1', [FAILED], 10_000, at(610))).toBe(10_000);
  });

  it('GIVEN the backend asks for no re-check, THEN none is added; and stacks are kept apart', () => {
    const b = new UnchangedFailureBackoff();
    expect(b.at('uid-1', [FAILED], undefined, at(0))).toBeUndefined();
    b.at('uid-1', [FAILED], 10_000, at(0));
    expect(b.at('uid-2', [FAILED], 10_000, at(600))).toBe(10_000);
    expect(b.at('uid-1', [FAILED], 10_000, at(600))).toBe(150_000);
  });
});

describe('BackendReconciler: a metrics API that keeps failing the same way', () => {
  const stack = { apiVersion: 'metricsstack.io/v1alpha1', kind: 'MetricsStack', metadata: { name: 'default', uid: 'u1', generation: 2 }, spec: {} } as const;
  // Rolled out long ago (not Starting): the aggregator's verdict stands and verify asks to look again in 10 s.
  const deployment: V1Deployment = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'metrics-server', namespace: 'kube-system', generation: 1 }, spec: { replicas: 1 } as V1Deployment['spec'],
    status: { observedGeneration: 1, updatedReplicas: 1, availableReplicas: 1, conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', lastUpdateTime: at(-3600) as unknown as Date }] },
  };
  const backend: MetricsBackend = {
    name: 'metrics-server', enabled: () => true, clear: () => undefined, startupGraceMs: () => 30_000,
    apiServices: () => [], conditionTypes: () => ['MetricsAPIAvailable'],
    plan: async () => ({ objects: [deployment], adopt: false, adoptField: 'spec.metricsServer.adoptExisting' }),
    async verify(c) {
      c.setCondition({ type: 'MetricsAPIAvailable', status: 'False', reason: 'FailedDiscoveryCheck', message: FAILED.message });
      return { requeueAfterMs: 10_000 };
    },
  };
  const applier = { apply: async () => ({ result: 'unchanged' as const, object: deployment }) } as unknown as Applier;

  it('GIVEN ten minutes of the same FailedDiscoveryCheck, THEN the pass asks to be run again in 150 s, not 10 s', async () => {
    const r = new BackendReconciler(backend, { applier, apiServices: { get: () => undefined, list: () => [] } });
    const pass = async (s: number) => (await r.reconcile(new StackContext(stack, withDefaults({}), at(s), pino({ level: 'silent' })))).requeueAfterMs;
    expect(await pass(0)).toBe(10_000);
    expect(await pass(10)).toBe(10_000);
    expect(await pass(600)).toBe(150_000);
  });
});
