/**
 * Which Service the MetricsStack means to serve each metrics API: the doctor's yardstick for MetricsAPIServedByOther.
 * Pure, from the spec alone, so the operator (its own stack) and the kubectl plugin (the stacks it can read) agree.
 */
import type { DefaultedMetricsStackSpec } from '../../api/v1alpha1/defaults.js';
import { METRICS_SERVER_NAME } from '../../render/metrics-server/labels.js';
import { PROMETHEUS_ADAPTER_NAME } from '../../render/prometheus-adapter/labels.js';
import type { MetricsApi } from './facts.js';

/** `namespace/name` of the Service the stack deploys for each API; an API absent: the stack makes no claim on it. */
export type ExpectedServices = Partial<Record<MetricsApi, string>>;

type ExpectationSpec = Pick<DefaultedMetricsStackSpec, 'resourceMetrics' | 'metricsServer' | 'prometheusAdapter'>;

/**
 * `metricsServerNamespace`: where metrics-server is placed (ctx.placement, which spec.fargate may move to another
 * namespace; status.metricsServer.namespace records it). Providers `existing` and `none` deploy nothing for
 * metrics.k8s.io, so whoever serves it is not "another".
 */
export function expectedServices(spec: ExpectationSpec, metricsServerNamespace: string = spec.metricsServer.namespace): ExpectedServices {
  const pa = spec.prometheusAdapter;
  const adapter = pa && `${pa.namespace}/${PROMETHEUS_ADAPTER_NAME}`;
  const provider = spec.resourceMetrics.provider;
  const expected: { -readonly [A in MetricsApi]?: string } = {};
  if (provider === 'metrics-server') expected.metrics = `${metricsServerNamespace}/${METRICS_SERVER_NAME}`;
  if (adapter && provider === 'prometheus-adapter') expected.metrics = adapter;
  // The adapter serves an API only when it has rules for it (cmd/adapter: no rules, no APIService).
  if (adapter && pa.rules.length > 0) expected.custom = adapter;
  if (adapter && pa.externalRules.length > 0) expected.external = adapter;
  return expected;
}

/**
 * What several stacks expect together (the plugin reads them all): an API two stacks claim for different Services
 * has no single expectation, so none is drawn for it rather than calling one of them "other".
 */
export function agreedExpectations(all: readonly ExpectedServices[]): ExpectedServices {
  const agreed: ExpectedServices = {};
  const disputed = new Set<MetricsApi>();
  for (const e of all) {
    for (const [api, service] of Object.entries(e) as [MetricsApi, string][]) {
      if (agreed[api] !== undefined && agreed[api] !== service) disputed.add(api);
      agreed[api] ??= service;
    }
  }
  for (const api of disputed) delete agreed[api];
  return agreed;
}
