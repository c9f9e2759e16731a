import type { V1APIService } from '@kubernetes/client-node';
import type { NodeMetricsProbe } from '../../kube/api-probes.js';
import { ConditionType, type AggregatorReason } from '../../api/v1alpha1/conditions.js';
import type { ConditionInput } from '../../kube/conditions.js';
import { describeMissingNodes, missingNodeReasons, type CoverageFacts, type NodeName } from './node-coverage.js';
import { aggregatorReason, describeAggregatorMessage } from './aggregator-message.js';

/** Fixes for the APIService reasons the kube-aggregator sets, by reason. */
const HINTS: Readonly<Record<string, string>> = {
  FailedDiscoveryCheck:
    'the apiserver cannot reach metrics-server: check that its pods are Running on EC2 nodes (not Fargate), that the Service has endpoints, ' +
    'and, on EKS, that the cluster security group lets the control plane reach the pods on the secure port.',
  MissingEndpoints:
    'the Service has no ready endpoints: the metrics-server pods are not Ready yet, or not scheduled (kubectl -n <ns> get pods -l k8s-app=metrics-server).',
  ServiceNotFound: 'the Service the APIService points to does not exist.',
  ServiceAccessError: 'the apiserver could not read the Service.',
  EndpointsNotFound: 'the Service has no Endpoints object yet.',
  EndpointsAccessError: 'the apiserver could not read the Service\'s Endpoints.',
} satisfies Partial<Record<AggregatorReason, string>>;

/**
 * MetricsAPIAvailable: first the aggregator's own verdict on the APIService (Available with its reason, e.g.
 * FailedDiscoveryCheck), then proof that the API really answers with node metrics. Positive only when both hold.
 */
export function decideMetricsAPI(
  apiServiceName: string, apiService: V1APIService | undefined, probe: NodeMetricsProbe | undefined, totalNodes: number,
  coverage?: { readonly nodes: readonly NodeName[]; readonly facts: CoverageFacts },
): ConditionInput {
  const type = ConditionType.MetricsAPIAvailable;
  if (!apiService) return { type, status: 'Unknown', reason: 'APIServiceUnavailable', message: `APIService ${apiServiceName} does not exist yet.` };
  const available = apiService.status?.conditions?.find((c) => c.type === 'Available');
  if (!available) {
    return { type, status: 'Unknown', reason: 'APIServiceUnavailable', message: `APIService ${apiServiceName} has not been checked by the aggregator yet.` };
  }
  if (available.status !== 'True') {
    const reason = aggregatorReason(available.reason);
    const hint = HINTS[reason] ?? 'the aggregator has not marked it Available yet.';
    const said = available?.message ? ` (${describeAggregatorMessage(available.message)})` : '';
    return { type, status: 'False', reason, message: `APIService ${apiServiceName} is not Available${said}: ${hint}` };
  }
  if (!probe) {
    return { type, status: 'Unknown', reason: 'APIServiceUnavailable', message: `APIService ${apiServiceName} is Available; node metrics not listed yet.` };
  }
  if ('error' in probe) {
    const code = probe.code ? ` (HTTP ${probe.code})` : '';
    const message = `APIService ${apiServiceName} is Available but listing node metrics failed${code}: ${probe.error}`;
    return { type, status: 'False', reason: 'APIServiceUnavailable', message };
  }
  if (probe.items === 0) {
    return {
      type, status: 'False', reason: 'NoMetricsReturned',
      message:
        'metrics.k8s.io answers but reports no node metrics: metrics-server cannot scrape any kubelet yet. Its log names the cause (x509 errors: ' +
        'see status.metricsServer.flags for the kubelet TLS choice; "connection refused" on :10250 from a Fargate pod: see FargatePlacementSafe). ' +
        'It can take up to two metric resolutions after start.',
    };
  }
  const counted = `metrics.k8s.io answers with metrics for ${probe.items} of ${totalNodes} nodes`;
  const missing = coverage && probe.nodes ? describeMissingNodes(coverage.nodes, probe.nodes, coverage.facts) : undefined;
  return { type, status: 'True', reason: 'MetricsAvailable', message: missing ? `${counted}; ${missing}.` : `${counted}.` };
}

/**
 * The nodes a real node-metrics list left out, and why, for ctx.unscrapedNodes (the HPA doctor's PodsOnUnreachableNodes);
 * undefined when the list was not made or failed: then nothing is known about any node.
 */
export function unscrapedNodes(
  probe: NodeMetricsProbe | undefined, coverage: { readonly nodes: readonly NodeName[]; readonly facts: CoverageFacts },
): Map<string, string> | undefined {
  return probe && 'items' in probe && probe.nodes ? missingNodeReasons(coverage.nodes, probe.nodes, coverage.facts) : undefined;
}
