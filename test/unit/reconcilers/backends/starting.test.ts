import type { KubernetesObject, V1Deployment, V1DeploymentCondition } from '@kubernetes/client-node';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../../../src/api/v1alpha1/defaults.js';
import { durationMs } from '../../../../src/api/v1alpha1/schema-helpers.js';
import type { Condition } from '../../../../src/api/v1alpha1/conditions.js';
import type { Applier } from '../../../../src/kube/applier.js';
import { BackendReconciler, type MetricsBackend } from '../../../../src/reconcilers/backends/backend.js';
import { backendStartup, whileStarting } from '../../../../src/reconcilers/backends/starting.js';
import { StackContext } from '../../../../src/reconcilers/stack/context.js';

const NOW = new Date('2026-01-01T00:10:00Z');
const ago = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString();
const rendered: KubernetesObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'metrics-server', namespace: 'kube-system' } };
const progressing = (reason: string, updatedSecondsAgo: number, status = 'True'): V1DeploymentCondition =>
  ({ type: 'Progressing', status, reason, lastUpdateTime: ago(updatedSecondsAgo) as unknown as Date, message: `${reason}.` });
function live(o: { generation?: number; observed?: number; updated?: number; available?: number; conditions?: V1DeploymentCondition[] }): V1Deployment {
  return {
    ...rendered, metadata: { ...rendered.metadata, generation: o.generation ?? 2 }, spec: { replicas: 2, selector: {}, template: {} },
    status: { observedGeneration: o.observed ?? 2, updatedReplicas: o.updated ?? 2, availableReplicas: o.available ?? 2, conditions: o.conditions ?? [] },
  };
}
const startupOf = (d: V1Deployment | undefined, graceMs = 30_000) =>
  backendStartup([rendered], new Map(d ? [['Deployment/kube-system/metrics-server', d]] : []), NOW, graceMs);
const NOT_AVAILABLE = 'APIService v1beta1.metrics.k8s.io is not Available';
const failing = (reason: string): Condition =>
  ({ type: 'MetricsAPIAvailable', status: 'False', reason, message: NOT_AVAILABLE, observedGeneration: 2, lastTransitionTime: ago(5) });

describe('whether a backend is still starting, read from its Deployment', () => {
  it.each([
    ['not applied yet (no live object)', undefined, 'starting'],
    ['a spec the Deployment controller has not observed', live({ generation: 3 }), 'starting'],
    ['1 of 2 pods updated', live({ updated: 1, conditions: [progressing('ReplicaSetUpdated', 1)] }), 'starting'],
    ['all updated, 1 of 2 available', live({ available: 1, conditions: [progressing('ReplicaSetUpdated', 1)] }), 'starting'],
    ['rolled out 10 s ago, inside the 30 s grace', live({ conditions: [progressing('NewReplicaSetAvailable', 10)] }), 'starting'],
    ['rolled out 60 s ago', live({ conditions: [progressing('NewReplicaSetAvailable', 60)] }), 'started'],
    ['past its progress deadline', live({ updated: 1, conditions: [progressing('ProgressDeadlineExceeded', 1, 'False')] }), 'failed'],
  ])('%s → %s', (_name, d, phase) => {
    expect(startupOf(d).phase).toBe(phase);
  });

  it('says which Deployment rolls out and how far, and how long ago one finished', () => {
    expect(startupOf(live({ updated: 1, available: 1, conditions: [progressing('ReplicaSetUpdated', 1)] })))
      .toEqual({ phase: 'starting', detail: 'Deployment kube-system/metrics-server is rolling out (1 of 2 pods updated, 1 available)' });
    expect(startupOf(live({ conditions: [progressing('NewReplicaSetAvailable', 12)] })))
      .toEqual({ phase: 'starting', detail: 'Deployment kube-system/metrics-server rolled out 12 s ago' });
  });
});

describe('what an API condition says while the backend starts', () => {
  const starting = { phase: 'starting', detail: 'Deployment kube-system/metrics-server rolled out 12 s ago' } as const;

  const answersNotYet = ['MissingEndpoints', 'FailedDiscoveryCheck', 'APIServiceUnavailable', 'NoMetricsReturned'];
  it.each(answersNotYet)('%s while starting → Unknown Starting, with the cause kept', (reason) => {
    expect(whileStarting('MetricsAPIAvailable', failing(reason), starting, 30_000)).toEqual({
      type: 'MetricsAPIAvailable', status: 'Unknown', reason: 'Starting',
      message: 'Deployment kube-system/metrics-server rolled out 12 s ago; an API may take 30 s after a rollout to answer, so this is not a failure yet: ' +
        NOT_AVAILABLE,
    });
  });

  it.each([
    ['a spec error stands while starting', failing('InvalidSpec'), starting],
    ['an unreachable Prometheus stands while starting', failing('PrometheusUnreachable'), starting],
    ['a failure once started stands', failing('FailedDiscoveryCheck'), { phase: 'started' } as const],
    ['a failure past the progress deadline stands', failing('MissingEndpoints'), { phase: 'failed' } as const],
    ['True stands', { ...failing('MetricsAvailable'), status: 'True' as const }, starting],
  ])('%s', (_name, condition, startup) => {
    expect(whileStarting('MetricsAPIAvailable', condition, startup, 30_000)).toBeUndefined();
  });

  it('reads Go durations as the CRD accepts them', () => {
    expect(['15s', '1m30s', '500ms', '1.5h'].map(durationMs)).toEqual([15_000, 90_000, 500, 5_400_000]);
  });
});

describe('BackendReconciler while its backend starts', () => {
  const stack = { apiVersion: 'metricsstack.io/v1alpha1', kind: 'MetricsStack', metadata: { name: 'default', generation: 2 }, spec: {} } as const;
  const backend = (): MetricsBackend => ({
    name: 'metrics-server', enabled: () => true, clear: () => undefined, startupGraceMs: () => 30_000,
    apiServices: () => [], conditionTypes: () => ['MetricsAPIAvailable'],
    plan: async () => ({ objects: [rendered], adopt: false, adoptField: 'spec.metricsServer.adoptExisting' }),
    async verify(c) {
      c.setCondition({ type: 'MetricsAPIAvailable', status: 'False', reason: 'MissingEndpoints', message: NOT_AVAILABLE });
      return { requeueAfterMs: 10_000 };
    },
  });
  const applier = (d: V1Deployment) => ({ apply: async () => ({ result: 'unchanged' as const, object: d }) }) as unknown as Applier;
  const run = async (d: V1Deployment) => {
    const c = new StackContext(stack, withDefaults({}), NOW, pino({ level: 'silent' }));
    const r = await new BackendReconciler(backend(), { applier: applier(d), apiServices: { get: () => undefined, list: () => [] } }).reconcile(c);
    return { condition: c.status.conditions?.[0], requeueAfterMs: r.requeueAfterMs };
  };

  it('GIVEN the Deployment rolled out 12 s ago and the API does not answer yet, THEN the condition is Unknown and looked at again in 10 s', async () => {
    const { condition, requeueAfterMs } = await run(live({ conditions: [progressing('NewReplicaSetAvailable', 12)] }));
    expect(condition).toMatchObject({ status: 'Unknown', reason: 'Starting' });
    expect(requeueAfterMs).toBe(10_000);
  });

  it('GIVEN it rolled out a minute ago, THEN the aggregator\'s verdict stands: False', async () => {
    const { condition } = await run(live({ conditions: [progressing('NewReplicaSetAvailable', 60)] }));
    expect(condition).toMatchObject({ status: 'False', reason: 'MissingEndpoints' });
  });
});
