/**
 * A MetricsStack that targets a namespace outside --managed-namespaces (chart value managedNamespaces) is InvalidSpec:
 * the chart grants no write there, so each concern refuses before any call, names the field and the chart value, and
 * keeps what it runs (its statement is "unknown").
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../../../src/api/v1alpha1/defaults.js';
import type { MetricsStack, MetricsStackSpec } from '../../../../src/api/v1alpha1/types.js';
import { AwsSessionSource } from '../../../../src/reconcilers/aws/session.js';
import { ClusterAutoscalerReconciler } from '../../../../src/reconcilers/cluster-autoscaler/index.js';
import { MetricsServerBackend, type MetricsServerDeps } from '../../../../src/reconcilers/metrics-server/backend.js';
import { summarizeNodes } from '../../../../src/reconcilers/platform/node-facts.js';
import { PrometheusAdapterBackend, type PrometheusAdapterDeps } from '../../../../src/reconcilers/prometheus-adapter/backend.js';
import { StackContext } from '../../../../src/reconcilers/stack/context.js';
import { unmanagedNamespace } from '../../../../src/reconcilers/stack/managed-namespaces.js';
import { HTTPD_RULE } from '../../render/prometheus-adapter/input.js';

const MANAGED = ['kube-system', 'monitoring'];
const contextFor = (spec: MetricsStackSpec): StackContext => {
  const stack: MetricsStack = { apiVersion: 'metricsstack.io/v1alpha1', kind: 'MetricsStack', metadata: { name: 'default', generation: 1 }, spec };
  const ctx = new StackContext(stack, withDefaults(spec), new Date('2026-01-01T00:00:00Z'), pino({ level: 'silent' }));
  ctx.nodeFacts = { ...summarizeNodes([]), kind: 'EKS', region: 'us-east-1' };
  return ctx;
};
/** Dependencies that fail the test if called: a refused namespace must be refused before any read or write. */
const untouchable = <T extends object>(): T => new Proxy({} as T, { get: (_t, key) => { throw new Error(`${String(key)} was used`); } });

describe('unmanagedNamespace', () => {
  it('passes a managed namespace, and every namespace when the operator runs without --managed-namespaces', () => {
    expect(unmanagedNamespace(MANAGED, 'monitoring', 'spec.prometheusAdapter.namespace', 'prometheus-adapter')).toBeUndefined();
    expect(unmanagedNamespace(undefined, 'apps', 'spec.prometheusAdapter.namespace', 'prometheus-adapter')).toBeUndefined();
  });

  it('names the field, the managed namespaces, the chart value and the upgrade that fixes it', () => {
    expect(unmanagedNamespace(MANAGED, 'apps', 'spec.prometheusAdapter.namespace', 'prometheus-adapter')).toBe(
      'spec.prometheusAdapter.namespace is apps, which is not one of the namespaces the operator may write to (kube-system, monitoring: ' +
        'the Helm chart value managedNamespaces), so prometheus-adapter was not deployed or changed. Add apps to managedNamespaces and ' +
        "upgrade the release (helm upgrade <release> --reuse-values --set 'managedNamespaces={kube-system,monitoring,apps}'), " +
        'or set spec.prometheusAdapter.namespace to one of those namespaces.',
    );
  });
});

describe('a MetricsStack targeting an unmanaged namespace', () => {
  it('metrics-server: InvalidSpec naming spec.metricsServer.namespace, before any read', async () => {
    const ctx = contextFor({ metricsServer: { namespace: 'apps' } });
    ctx.placement = { namespace: 'apps', annotateEC2: false, avoidFargateAffinity: false };
    const plan = await new MetricsServerBackend({ ...untouchable<MetricsServerDeps>(), managedNamespaces: MANAGED } as MetricsServerDeps).plan(ctx);
    expect(plan.objects).toEqual([]);
    expect(plan.rejected).toEqual({ reason: 'InvalidSpec', message: expect.stringMatching(/^spec\.metricsServer\.namespace is apps, .*managedNamespaces/) });
  });

  it('metrics-server with fargate.strategy Namespace: names spec.fargate.namespace, where the pods would go', async () => {
    const ctx = contextFor({ fargate: { strategy: 'Namespace', namespace: 'metrics' } });
    ctx.placement = { namespace: 'metrics', annotateEC2: false, avoidFargateAffinity: true };
    const deps = { ...untouchable<MetricsServerDeps>(), managedNamespaces: MANAGED } as MetricsServerDeps;
    expect((await new MetricsServerBackend(deps).plan(ctx)).rejected?.message).toMatch(/^spec\.fargate\.namespace is metrics, /);
  });

  it('prometheus-adapter: InvalidSpec naming spec.prometheusAdapter.namespace, before it looks for the namespace', async () => {
    const ctx = contextFor({ prometheusAdapter: { namespace: 'apps', prometheusURL: 'http://prometheus.apps.svc:9090', rules: [HTTPD_RULE] } });
    const deps = { ...untouchable<PrometheusAdapterDeps>(), managedNamespaces: MANAGED } as PrometheusAdapterDeps;
    const plan = await new PrometheusAdapterBackend(deps).plan(ctx);
    expect(plan.rejected).toEqual({
      reason: 'InvalidSpec', message: expect.stringMatching(/^spec\.prometheusAdapter\.namespace is apps, .*managedNamespaces/),
    });
  });

  it('Cluster Autoscaler: ClusterAutoscalerReady InvalidSpec, no AWS client made, and its objects kept', async () => {
    const ctx = contextFor({ clusterAutoscaler: { roleARN: 'arn:aws:iam::123456789012:role/ca', deploy: true, serviceAccount: { namespace: 'apps' } } });
    const clientsFor = () => { throw new Error('no AWS client may be made'); };
    const r = new ClusterAutoscalerReconciler({
      aws: new AwsSessionSource({ clientsFor, apiserverIssuer: () => { throw new Error('no issuer may be read'); } }),
      objects: untouchable(), serviceAccounts: untouchable(), applier: untouchable(), managedNamespaces: MANAGED,
    });
    const result = await r.reconcile(ctx);
    expect(result.wanted.known).toBe(false);
    expect(ctx.status.conditions?.find((c) => c.type === 'ClusterAutoscalerReady')).toMatchObject({
      status: 'False', reason: 'InvalidSpec',
      message: expect.stringMatching(/^spec\.clusterAutoscaler\.serviceAccount\.namespace is apps, .*managedNamespaces/),
    });
  });
});
