import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../../../src/api/v1alpha1/defaults.js';
import type { MetricsStackSpec } from '../../../../src/api/v1alpha1/types.js';
import { agreedExpectations, expectedServices } from '../../../../src/reconcilers/hpa/expected-services.js';

const rule = { seriesQuery: 'http_requests_total{namespace!="",pod!=""}', metricsQuery: 'sum(rate(<<.Series>>[2m])) by (<<.GroupBy>>)' };
const adapter = (o: Record<string, unknown>) => ({ prometheusURL: 'http://prometheus.monitoring.svc:9090', ...o });
const resourceRules = {
  cpu: { containerQuery: 'sum(rate(container_cpu_usage_seconds_total[3m])) by (<<.GroupBy>>)', nodeQuery: 'sum(rate(node_cpu_seconds_total[3m])) by (<<.GroupBy>>)',
    containerLabel: 'container' },
  memory: { containerQuery: 'sum(container_memory_working_set_bytes) by (<<.GroupBy>>)', nodeQuery: 'sum(node_memory_MemTotal_bytes) by (<<.GroupBy>>)',
    containerLabel: 'container' },
  window: '3m',
};

describe('expectedServices', () => {
  const table: [string, MetricsStackSpec, string | undefined, ReturnType<typeof expectedServices>][] = [
    ['expects metrics-server in its namespace for metrics.k8s.io by default', {}, undefined, { metrics: 'kube-system/metrics-server' }],
    ['follows the placement when spec.fargate moved metrics-server to another namespace', {}, 'metrics-ec2',
      { metrics: 'metrics-ec2/metrics-server' }],
    ['expects nothing for metrics.k8s.io from provider existing: someone else serves it by design',
      { resourceMetrics: { provider: 'existing' } }, undefined, {}],
    ['expects nothing from provider none', { resourceMetrics: { provider: 'none' } }, undefined, {}],
    ['expects the adapter for custom metrics when it has rules, beside metrics-server',
      { prometheusAdapter: adapter({ rules: [rule] }) }, undefined,
      { metrics: 'kube-system/metrics-server', custom: 'monitoring/prometheus-adapter' }],
    ['expects the adapter for external metrics only with externalRules',
      { resourceMetrics: { provider: 'none' }, prometheusAdapter: adapter({ namespace: 'adapters', externalRules: [rule] }) }, undefined,
      { external: 'adapters/prometheus-adapter' }],
    ['expects the adapter for every API it serves when it is the resource provider',
      { resourceMetrics: { provider: 'prometheus-adapter' }, prometheusAdapter: adapter({ rules: [rule], externalRules: [rule], resourceRules }) }, 'kube-system',
      { metrics: 'monitoring/prometheus-adapter', custom: 'monitoring/prometheus-adapter', external: 'monitoring/prometheus-adapter' }],
    ['expects nothing of an adapter without rules (it is not deployed)', { resourceMetrics: { provider: 'none' }, prometheusAdapter: adapter({}) }, undefined, {}],
  ];
  it.each(table)('%s', (_name, spec, namespace, want) => {
    expect(expectedServices(withDefaults(spec), namespace)).toEqual(want);
  });
});

describe('agreedExpectations', () => {
  it('keeps what the stacks agree on and drops an API two stacks claim for different Services', () => {
    expect(agreedExpectations([
      { metrics: 'kube-system/metrics-server', custom: 'monitoring/prometheus-adapter' },
      { metrics: 'kube-system/metrics-server', custom: 'team-a/prometheus-adapter', external: 'team-a/prometheus-adapter' },
    ])).toEqual({ metrics: 'kube-system/metrics-server', external: 'team-a/prometheus-adapter' });
  });

  it('has no expectation without stacks (the operator is not installed)', () => {
    expect(agreedExpectations([])).toEqual({});
  });
});
