/** Schema of `spec.resourceMetrics` and `spec.metricsServer`: who serves metrics.k8s.io, and how metrics-server runs. */
import { Type } from '@sinclair/typebox';
import {
  type CelRule,
  DURATION_PATTERN,
  Duration,
  Image,
  isQuantityCel,
  NamespaceName,
  Quantity,
  quantityCel,
  StringEnum,
  WithDefault,
} from './schema-helpers.js';

/** Who serves the resource metrics API (`metrics.k8s.io`) that `kubectl top` and CPU/memory HPAs read. */
export const RESOURCE_METRICS_PROVIDERS = ['metrics-server', 'prometheus-adapter', 'existing', 'none'] as const;
/** How metrics-server checks kubelet serving certificates. */
export const KUBELET_TLS_MODES = ['Auto', 'Verify', 'Insecure'] as const;
/** Node address types metrics-server may use to reach a kubelet (`--kubelet-preferred-address-types`). */
export const NODE_ADDRESS_TYPES = ['InternalIP', 'ExternalIP', 'Hostname', 'InternalDNS', 'ExternalDNS'] as const;

export const ResourceMetricsSchema = Type.Object(
  {
    provider: WithDefault(
      StringEnum(RESOURCE_METRICS_PROVIDERS, {
        description:
          'Who serves metrics.k8s.io. metrics-server: deploy metrics-server. prometheus-adapter: the adapter serves it ' +
          'from Prometheus (needs spec.prometheusAdapter.resourceRules; the path for clusters without EC2 nodes). ' +
          'existing: the operator deploys nothing for it and works with the metrics-server the cluster already has (the EKS ' +
          'add-on, a Helm release, plain manifests): it names the installer, verifies the API and reports each misconfiguration ' +
          "with the fix in that installer's terms, writing nothing to its objects. none: the operator deploys nothing for it.",
      }),
      'metrics-server',
    ),
  },
  { description: 'The resource metrics pipeline (CPU and memory of pods and nodes).' },
);

const ResourceListSchema = (what: string, cpu: string, memory: string) => ({
  cpu: Quantity({ description: `CPU ${what} of each metrics-server container, e.g. ${cpu}.` }),
  memory: Quantity({ description: `Memory ${what} of each metrics-server container, e.g. ${memory}.` }),
});

const requests = ResourceListSchema('request', '100m', '200Mi');
const limits = ResourceListSchema('limit', '1', '500Mi');

// A container whose limit is below its request is refused by the apiserver, so the Deployment apply would fail on
// every pass; refuse it here, naming the limit. An unset request is sized by the operator and capped at the limit.
const limitNotBelowRequest = (resource: 'cpu' | 'memory'): CelRule => {
  const [limit, request] = [`self.limits.${resource}`, `self.requests.${resource}`];
  return {
    rule:
      `!has(self.limits) || !has(${limit}) || !has(self.requests) || !has(${request}) || ` +
      `!${isQuantityCel(limit)} || !${isQuantityCel(request)} || !${quantityCel(limit)}.isLessThan(${quantityCel(request)})`,
    message:
      `limits.${resource} must not be below requests.${resource}: Kubernetes refuses a container whose limit is below its request`,
    messageExpression:
      `'limits.${resource} ' + string(${limit}) + ' is below requests.${resource} ' + string(${request}) + ` +
      `': Kubernetes refuses a container whose limit is below its request'`,
    fieldPath: `.limits.${resource}`,
  };
};

export const MetricsServerResourcesSchema = Type.Object(
  {
    requests: WithDefault(
      Type.Object(
        { cpu: Type.Optional(requests.cpu), memory: Type.Optional(requests.memory) },
        {
          description:
            'Resource requests. Unset ones follow the cluster size: cpu 100m and memory 200Mi up to 100 nodes, then 1m and 2Mi ' +
            'more per node in steps of 100 nodes (metrics-server\'s sizing guidance), never above the limit; ' +
            'status.metricsServer.resources says why.',
        },
      ),
      {},
    ),
    limits: Type.Optional(
      Type.Object(
        { cpu: Type.Optional(limits.cpu), memory: Type.Optional(limits.memory) },
        { description: 'Resource limits; none unless set.' },
      ),
    ),
  },
  {
    description: 'Compute resources of the metrics-server container.',
    'x-kubernetes-validations': [limitNotBelowRequest('cpu'), limitNotBelowRequest('memory')],
  },
);

export const MetricsServerSchema = Type.Object(
  {
    namespace: WithDefault(NamespaceName({ description: 'Namespace metrics-server runs in.' }), 'kube-system'),
    replicas: WithDefault(
      Type.Integer({ minimum: 1, maximum: 10, description: 'Number of metrics-server pods (2 keeps the API up during a rollout).' }),
      2,
    ),
    metricResolution: WithDefault(
      Duration({
        description: 'How often metrics-server scrapes kubelets (--metric-resolution), a Go duration of at least 10s.',
        'x-kubernetes-validations': [
          {
            // The pattern reports a malformed duration; without this guard CEL would add a conversion error.
            rule: `!self.matches('${DURATION_PATTERN}') || duration(self) >= duration('10s')`,
            message: 'metricResolution must be at least 10s: metrics-server refuses shorter resolutions',
          },
        ],
      }),
      '15s',
    ),
    kubeletTLS: WithDefault(
      StringEnum(KUBELET_TLS_MODES, {
        description:
          'How metrics-server checks kubelet serving certificates. Auto: the operator decides from the cluster and ' +
          'records the choice in status.metricsServer.flags. Verify: always verify. Insecure: pass ' +
          '--kubelet-insecure-tls (for kubelet certificates that are self-signed or do not name the node address, ' +
          'the "x509: certificate is valid for ..., not ..." error).',
      }),
      'Auto',
    ),
    kubeletPreferredAddressTypes: WithDefault(
      Type.Array(StringEnum(NODE_ADDRESS_TYPES, { description: 'A node address type.' }), {
        minItems: 1,
        maxItems: 5,
        'x-kubernetes-list-type': 'set',
        description: 'Node address types to reach kubelets with, in order of preference (--kubelet-preferred-address-types).',
      }),
      ['InternalIP', 'ExternalIP', 'Hostname'],
    ),
    image: WithDefault(Image({ description: 'metrics-server container image.' }), 'registry.k8s.io/metrics-server/metrics-server:v0.8.0'),
    resources: WithDefault(MetricsServerResourcesSchema, {}),
    insecureSkipTLSVerify: WithDefault(
      Type.Boolean({
        description:
          'Set insecureSkipTLSVerify on the v1beta1.metrics.k8s.io APIService instead of giving it a CA bundle. ' +
          'Only for clusters where the serving certificate cannot be verified.',
      }),
      false,
    ),
    adoptExisting: WithDefault(
      Type.Boolean({
        description:
          'Take over an existing metrics-server and v1beta1.metrics.k8s.io APIService owned by another manager ' +
          '(e.g. a Helm release or the EKS add-on). When false such objects are left alone and reported as a conflict.',
      }),
      false,
    ),
  },
  { description: 'How metrics-server is deployed; used when resourceMetrics.provider is metrics-server.' },
);
