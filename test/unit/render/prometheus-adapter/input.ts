/** A typical prometheus-adapter render input: seed 002's httpd rule as custom and external metrics, plus resource rules. */
import { withDefaults } from '../../../../src/api/v1alpha1/defaults.js';
import { adapterConfigFrom, type PrometheusAdapterRenderInput } from '../../../../src/render/prometheus-adapter/index.js';

export const HTTPD_RULE = {
  seriesQuery: 'httpd_requests_total{namespace!="",pod!=""}',
  resources: { overrides: { pod: { resource: 'pod' }, namespace: { resource: 'namespace' } } },
  name: { matches: '^(.*)_total$', as: '${1}_per_second' },
  metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)',
};

export const RESOURCE_RULES = {
  cpu: {
    containerQuery: 'sum(rate(container_cpu_usage_seconds_total{<<.LabelMatchers>>,container!=""}[3m])) by (<<.GroupBy>>)',
    nodeQuery: 'sum(rate(container_cpu_usage_seconds_total{<<.LabelMatchers>>,id="/"}[3m])) by (<<.GroupBy>>)',
    resources: { overrides: { node: { resource: 'node' }, namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
  },
  memory: {
    containerQuery: 'sum(container_memory_working_set_bytes{<<.LabelMatchers>>,container!=""}) by (<<.GroupBy>>)',
    nodeQuery: 'sum(container_memory_working_set_bytes{<<.LabelMatchers>>,id="/"}) by (<<.GroupBy>>)',
    resources: { overrides: { node: { resource: 'node' }, namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
  },
  window: '3m',
};

export const adapterSpec = withDefaults({
  resourceMetrics: { provider: 'prometheus-adapter' },
  prometheusAdapter: {
    prometheusURL: 'http://prometheus-server.monitoring.svc:9090',
    rules: [HTTPD_RULE],
    externalRules: [{ ...HTTPD_RULE, seriesQuery: 'httpd_requests_total{namespace!=""}', resources: { overrides: { namespace: { resource: 'namespace' } } } }],
    resourceRules: RESOURCE_RULES,
  },
}).prometheusAdapter!;

export const typicalAdapterInput: PrometheusAdapterRenderInput = {
  name: 'prometheus-adapter',
  namespace: 'monitoring',
  replicas: 1,
  image: adapterSpec.image,
  prometheusURL: adapterSpec.prometheusURL,
  metricsRelistInterval: adapterSpec.metricsRelistInterval,
  securePort: 6443,
  servingCertSecretName: 'prometheus-adapter-serving-cert',
  servingCertPEM: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  caBundle: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==',
  config: adapterConfigFrom(adapterSpec, true),
};
