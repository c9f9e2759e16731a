/**
 * CustomMetricsAPIAvailable, ExternalMetricsAPIAvailable and (when the adapter is the resource provider)
 * MetricsAPIAvailable: the aggregator's verdict on the APIServices, then whether Prometheus answers, then a real
 * request to the API. Positive only when all hold. Pure.
 */
import type { V1APIService } from '@kubernetes/client-node';
import { ConditionType, type AggregatorReason } from '../../api/v1alpha1/conditions.js';
import type { ConditionInput } from '../../kube/conditions.js';
import type { DiscoveryProbe, NodeMetricsProbe } from '../../kube/api-probes.js';
import type { PrometheusCheck } from './prometheus-probe.js';
import { aggregatorReason, describeAggregatorMessage } from '../backends/aggregator-message.js';

export type AdapterAPI = 'custom' | 'external' | 'resource';

/** The condition that reports each API the adapter serves. */
export const API_CONDITION: Readonly<Record<AdapterAPI, ConditionType>> = {
  custom: ConditionType.CustomMetricsAPIAvailable, external: ConditionType.ExternalMetricsAPIAvailable, resource: ConditionType.MetricsAPIAvailable,
};
const GROUP: Record<AdapterAPI, string> = { custom: 'custom.metrics.k8s.io', external: 'external.metrics.k8s.io', resource: 'metrics.k8s.io' };

/** Where the adapter runs and what it reads, for the messages. */
export interface AdapterWhere { readonly namespace: string; readonly name: string; readonly prometheusURL: string; readonly relistInterval: string }

const hint = (reason: string, w: AdapterWhere): string => {
  const pods = `kubectl -n ${w.namespace} get pods -l app.kubernetes.io/name=${w.name}`;
  const hints: Readonly<Record<string, string>> = {
    FailedDiscoveryCheck:
      `the apiserver cannot reach prometheus-adapter or does not trust it: check that its pods are Running and Ready (${pods}) ` +
      `and their log (kubectl -n ${w.namespace} logs deploy/${w.name}).`,
    MissingEndpoints: `the Service has no ready endpoints: the prometheus-adapter pods are not Ready yet, or not scheduled (${pods}).`,
    ServiceNotFound: 'the Service the APIService points to does not exist.',
  } satisfies Partial<Record<AggregatorReason, string>>;
  return hints[reason] ?? 'the aggregator has not marked it Available yet.';
};

export interface AdapterAPIFacts {
  /** The APIServices of this API (custom metrics has two), as live. */
  readonly apiServices: readonly { readonly name: string; readonly live: V1APIService | undefined }[];
  readonly prometheus: PrometheusCheck;
  /** Discovery of the group version (custom, external), or a node-metrics list (resource); absent when not asked yet. */
  readonly probe?: DiscoveryProbe | NodeMetricsProbe;
}

export function decideAdapterAPI(api: AdapterAPI, facts: AdapterAPIFacts, w: AdapterWhere): ConditionInput {
  const type = API_CONDITION[api];
  const group = GROUP[api];
  if (!facts.prometheus.ok && facts.prometheus.refused) {
    return { type, status: 'False', reason: 'InvalidSpec', message: facts.prometheus.error };
  }
  if (!facts.prometheus.ok) {
    return {
      type, status: 'False', reason: 'PrometheusUnreachable',
      message:
        `Prometheus does not answer at ${w.prometheusURL} (${facts.prometheus.error}), so prometheus-adapter has no data for ${group}. ` +
        "Fix spec.prometheusAdapter.prometheusURL (an address the cluster's pods can reach, e.g. http://prometheus-server.monitoring.svc:9090) " +
        'or start Prometheus; the operator checks it from its own pod.',
    };
  }
  for (const { name, live } of facts.apiServices) {
    if (!live) return { type, status: 'Unknown', reason: 'APIServiceUnavailable', message: `APIService ${name} does not exist yet.` };
    const available = live.status?.conditions?.find((c) => c.type === 'Available');
    if (!available) {
      return { type, status: 'Unknown', reason: 'APIServiceUnavailable', message: `APIService ${name} has not been checked by the aggregator yet.` };
    }
    if (available.status !== 'True') {
      const reason = aggregatorReason(available.reason);
      const said = available.message ? ` (${describeAggregatorMessage(available.message)})` : '';
      return { type, status: 'False', reason, message: `APIService ${name} is not Available${said}: ${hint(reason, w)}` };
    }
  }
  const probe = facts.probe;
  if (!probe) return { type, status: 'Unknown', reason: 'APIServiceUnavailable', message: `${group} is Available; not queried yet.` };
  if ('error' in probe) {
    const code = probe.code ? ` (HTTP ${probe.code})` : '';
    return { type, status: 'False', reason: 'APIServiceUnavailable', message: `${group} is Available but a request to it failed${code}: ${probe.error}` };
  }
  if ('items' in probe) {
    return probe.items > 0
      ? { type, status: 'True', reason: 'MetricsAvailable', message: `metrics.k8s.io answers (prometheus-adapter) with metrics for ${probe.items} nodes.` }
      : {
        type, status: 'False', reason: 'NoMetricsReturned',
        message:
          'metrics.k8s.io answers (prometheus-adapter) but reports no node metrics: spec.prometheusAdapter.resourceRules.*.nodeQuery returns ' +
          'no series with a node label in Prometheus. Run the query in Prometheus to see why.',
      };
  }
  const names = api === 'custom' ? probe.resources.filter((r) => r.includes('/')) : probe.resources;
  if (names.length === 0) {
    return {
      type, status: 'False', reason: 'NoMetricsReturned',
      message:
        `${group} answers but lists no metrics: no series in Prometheus matches the ${api === 'custom' ? 'rules' : 'externalRules'}' seriesQuery yet ` +
        `(the adapter looks again every ${w.relistInterval}). Check the seriesQuery in Prometheus, and that its series carry the labels named in resources.`,
    };
  }
  const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? `, and ${names.length - 5} more` : '');
  return { type, status: 'True', reason: 'MetricsAvailable', message: `${group} answers with ${names.length} metrics: ${shown}.` };
}
