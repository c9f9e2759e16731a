import { CoordinationV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, PLURAL, VERSION, type MetricsStack } from '../../src/api/v1alpha1/types.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { installCrd } from '../support/crd.js';
import { OperatorRunner, type OperatorProcess } from '../support/operator.js';
import { condition, until } from '../support/stacks.js';

let cluster: TestCluster;
let custom: CustomObjectsApi;
let runner: OperatorRunner;
const ref = { group: GROUP, version: VERSION, plural: PLURAL };
const get = (name: string) => custom.getClusterCustomObject({ ...ref, name }) as Promise<MetricsStack>;
const cond = condition;

beforeAll(async () => {
  cluster = await startCluster({ preset: 'none' });
  custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
  await installCrd(cluster);
  runner = new OperatorRunner();
});
afterAll(async () => {
  await runner?.stop();
  await cluster?.stop();
});

describe('the operator process reconciling a MetricsStack', () => {
  let op: OperatorProcess;
  beforeAll(async () => {
    op = await runner.start(cluster.kubeconfigPath, 'solo', ['--leader-elect', 'false']);
  });
  afterAll(() => op.signal('SIGTERM'));

  it('adds its finalizer, checks the aggregation layer and computes Ready', async () => {
    await custom.createClusterCustomObject({ ...ref, body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'MetricsStack', metadata: { name: 'default' }, spec: { resourceMetrics: { provider: 'none' } } } });
    await until('status for generation 1', async () => (await get('default')).status?.observedGeneration === 1);
    const s = await get('default');
    expect(s.metadata.finalizers).toEqual(['metricsstack.io/cleanup']);
    expect(cond(s, 'AggregationLayerReady')).toMatchObject({ status: 'True', reason: 'AggregationLayerConfigured', observedGeneration: 1 });
    expect(cond(s, 'Ready')).toMatchObject({ status: 'True', reason: 'AllDependenciesReady' });
  });

  it('records an Event on the MetricsStack when it becomes Ready', async () => {
    const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    await until('a Ready event', async () => {
      const evs = await core.listNamespacedEvent({ namespace: 'default', fieldSelector: 'involvedObject.name=default,involvedObject.kind=MetricsStack' });
      return evs.items.some((e) => e.reason === 'AllDependenciesReady' && e.type === 'Normal');
    });
  });

  it('follows a spec change to the new generation without moving lastTransitionTime', async () => {
    const before = cond(await get('default'), 'Ready')?.lastTransitionTime;
    await custom.patchClusterCustomObject({ ...ref, name: 'default', body: [{ op: 'add', path: '/spec/deletionPolicy', value: 'Orphan' }] });
    await until('status for generation 2', async () => (await get('default')).status?.observedGeneration === 2);
    const s = await get('default');
    expect(cond(s, 'Ready')).toMatchObject({ status: 'True', observedGeneration: 2, lastTransitionTime: before });
  });

  it('exposes health, readiness and reconcile metrics', async () => {
    expect((await fetch(`${op.healthUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${op.healthUrl}/readyz`)).status).toBe(200);
    const text = await (await fetch(op.metricsUrl)).text();
    expect(text).toMatch(/metricsstack_reconcile_duration_seconds_bucket\{/);
    expect(text).toMatch(/metricsstack_workqueue_depth\{controller="metricsstack"\} \d/);
    expect(await op.reconciles()).toBeGreaterThanOrEqual(2);
  });

  it('removes its finalizer on delete so the MetricsStack goes away', async () => {
    await custom.deleteClusterCustomObject({ ...ref, name: 'default' });
    await until('the MetricsStack to be gone', async () => get('default').then(() => false, () => true));
  });

  it('exits 0 on SIGTERM', async () => {
    op.signal('SIGTERM');
    await op.proc.exit;
    expect(op.proc.child.exitCode).toBe(0);
  });
});

describe('leader election between two operator processes', () => {
  let a: OperatorProcess;
  let b: OperatorProcess;
  const lease = () => cluster.kubeConfig.makeApiClient(CoordinationV1Api).readNamespacedLease({ name: 'metricsstack-operator', namespace: 'default' });
  const fast = ['--leader-election-lease-duration', '4s', '--leader-election-renew-deadline', '3s', '--leader-election-retry-period', '500ms'];

  beforeAll(async () => {
    a = await runner.start(cluster.kubeconfigPath, 'op-a', fast);
    await until('op-a to lead', async () => (await lease().catch(() => undefined))?.spec?.holderIdentity === 'op-a');
    b = await runner.start(cluster.kubeconfigPath, 'op-b', fast);
    await until('op-b to stand by (ready)', async () => (await fetch(`${b.healthUrl}/readyz`).catch(() => undefined))?.status === 200);
  });

  it('lets only the leader reconcile', async () => {
    await custom.createClusterCustomObject({ ...ref, body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'MetricsStack', metadata: { name: 'le' }, spec: {} } });
    await until('op-a to reconcile', async () => (await get('le')).status?.observedGeneration === 1);
    expect(await a.reconciles()).toBeGreaterThan(0);
    expect(await b.reconciles()).toBe(0);
    expect((await lease()).spec?.holderIdentity).toBe('op-a');
  });

  it('hands over when the leader is killed, and the new leader reconciles', async () => {
    a.signal('SIGKILL');
    await until('op-b to take the lease', async () => (await lease()).spec?.holderIdentity === 'op-b', 20_000);
    await custom.patchClusterCustomObject({ ...ref, name: 'le', body: [{ op: 'add', path: '/spec/deletionPolicy', value: 'Orphan' }] });
    await until('op-b to reconcile generation 2', async () => (await get('le')).status?.observedGeneration === 2);
    expect(await b.reconciles()).toBeGreaterThan(0);
    expect((await lease()).spec?.leaseTransitions).toBeGreaterThanOrEqual(1);
  });

  it('releases the lease on SIGTERM so a successor need not wait for it to expire', async () => {
    b.signal('SIGTERM');
    await b.proc.exit;
    expect(b.proc.child.exitCode).toBe(0);
    expect((await lease()).spec?.holderIdentity ?? '').toBe('');
  });
});
