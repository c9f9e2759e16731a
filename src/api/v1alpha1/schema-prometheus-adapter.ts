/** Schema of `spec.prometheusAdapter`: custom, external and (optionally) resource metrics served from Prometheus. */
import { Type } from '@sinclair/typebox';
import { Duration, Image, NamespaceName, StringMap, WithDefault } from './schema-helpers.js';

const PromQL = (description: string) => Type.String({ minLength: 1, maxLength: 4096, description });

export const GroupResourceSchema = Type.Object(
  {
    group: Type.Optional(Type.String({ maxLength: 253, description: 'API group of the resource; empty for the core group.' })),
    resource: Type.String({ minLength: 1, maxLength: 253, description: 'Resource the label names, e.g. pod or namespace.' }),
  },
  { description: 'The Kubernetes resource a series label refers to.' },
);

export const ResourceMappingSchema = Type.Object(
  {
    overrides: Type.Optional(
      StringMap(GroupResourceSchema, {
        maxProperties: 32,
        description: 'Series labels mapped to Kubernetes resources, e.g. {namespace: {resource: namespace}, pod: {resource: pod}}.',
      }),
    ),
    template: Type.Optional(
      Type.String({ maxLength: 256, description: 'Go template turning a resource into a label name, e.g. kube_<<.Resource>>.' }),
    ),
  },
  { description: 'How series labels map to Kubernetes resources (the adapter rule "resources" field).' },
);

export const PrometheusAdapterRuleSchema = Type.Object(
  {
    seriesQuery: PromQL('Prometheus series selector that finds the series, e.g. http_requests_total{namespace!="",pod!=""}.'),
    resources: Type.Optional(ResourceMappingSchema),
    name: Type.Optional(
      Type.Object(
        {
          matches: Type.Optional(Type.String({ maxLength: 1024, description: 'Regular expression over the series name.' })),
          as: Type.Optional(Type.String({ maxLength: 1024, description: 'Metric name to expose; may use capture groups, e.g. ${1}_per_second.' })),
        },
        { description: 'How the series name becomes the metric name.' },
      ),
    ),
    metricsQuery: PromQL('Go template of the PromQL query, e.g. sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>).'),
  },
  { description: 'One prometheus-adapter discovery rule.' },
);

const resourceRule = (what: string) =>
  Type.Object(
    {
      containerQuery: PromQL(`Go template of the PromQL query for the ${what} usage of containers.`),
      nodeQuery: PromQL(`Go template of the PromQL query for the ${what} usage of nodes.`),
      resources: Type.Optional(ResourceMappingSchema),
      containerLabel: WithDefault(
        Type.String({ minLength: 1, maxLength: 253, description: 'Series label that holds the container name.' }),
        'container',
      ),
    },
    { description: `How to compute ${what} usage for metrics.k8s.io.` },
  );

export const ResourceRulesSchema = Type.Object(
  {
    cpu: resourceRule('CPU'),
    memory: resourceRule('memory'),
    window: WithDefault(Duration({ description: 'Window the CPU rate is computed over; reported as the metrics window.' }), '5m'),
  },
  {
    description:
      'Rules that let the adapter serve metrics.k8s.io. Required when resourceMetrics.provider is prometheus-adapter, ' +
      'forbidden otherwise (only one provider may own metrics.k8s.io).',
  },
);

const rulesList = (description: string) =>
  WithDefault(Type.Array(PrometheusAdapterRuleSchema, { maxItems: 100, description }), []);

export const PrometheusAdapterSchema = Type.Object(
  {
    namespace: WithDefault(NamespaceName({ description: 'Namespace prometheus-adapter runs in.' }), 'monitoring'),
    replicas: WithDefault(Type.Integer({ minimum: 1, maximum: 10, description: 'Number of prometheus-adapter pods.' }), 1),
    prometheusURL: Type.String({
      minLength: 1,
      maxLength: 2048,
      description: 'URL of the Prometheus server the adapter queries, e.g. http://prometheus.monitoring.svc:9090.',
      'x-kubernetes-validations': [
        {
          rule: "isURL(self) && url(self).getScheme() in ['http', 'https']",
          message: 'prometheusURL must be an absolute http:// or https:// URL, e.g. http://prometheus.monitoring.svc:9090',
        },
      ],
    }),
    metricsRelistInterval: WithDefault(
      Duration({ description: 'How often the adapter re-discovers series (--metrics-relist-interval).' }),
      '1m',
    ),
    image: WithDefault(
      Image({ description: 'prometheus-adapter container image.' }),
      'registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0',
    ),
    rules: rulesList('Rules for the custom metrics API (custom.metrics.k8s.io), e.g. per-pod request rates.'),
    resourceRules: Type.Optional(ResourceRulesSchema),
    externalRules: rulesList(
      'Rules for the external metrics API (external.metrics.k8s.io). Only one external-metrics adapter can exist per ' +
        'cluster (KEDA registers one too).',
    ),
    adoptExisting: WithDefault(
      Type.Boolean({
        description:
          'Take over an existing prometheus-adapter and its APIServices owned by another manager. When false such ' +
          'objects are left alone and reported as a conflict.',
      }),
      false,
    ),
  },
  {
    description:
      'Deploy prometheus-adapter, which serves custom and external metrics from Prometheus (and resource metrics ' +
      'when resourceMetrics.provider is prometheus-adapter). Absent: no adapter.',
  },
);
