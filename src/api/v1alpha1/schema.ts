/**
 * The MetricsStack API as TypeBox schemas: the one source of the TypeScript types (types.ts), of defaulting
 * (defaults.ts) and of the CRD's OpenAPI schema (crd.ts → crds/metricsstack.io_metricsstacks.yaml).
 * Rules that need the whole object (CEL) sit on the object that holds every field they read.
 */
import { Type } from '@sinclair/typebox';
import { ClusterAutoscalerSchema, ClusterSchema } from './schema-cluster-autoscaler.js';
import { FargateSchema } from './schema-fargate.js';
import { StringEnum, WithDefault } from './schema-helpers.js';
import { MetricsServerSchema, ResourceMetricsSchema } from './schema-metrics-server.js';
import { PrometheusAdapterSchema } from './schema-prometheus-adapter.js';
import { MetricsStackStatusSchema } from './schema-status.js';

export * from './schema-cluster-autoscaler.js';
export * from './schema-fargate.js';
export * from './schema-metrics-server.js';
export * from './schema-prometheus-adapter.js';
export * from './schema-status.js';

/** What happens to the objects the operator created when the MetricsStack is deleted. */
export const DELETION_POLICIES = ['Delete', 'Orphan'] as const;

// The apiserver also checks rules against the bare default `{}`, before nested defaults, so every rule uses has().
const PROVIDER_IS_ADAPTER =
  "(has(self.resourceMetrics) && has(self.resourceMetrics.provider) && self.resourceMetrics.provider == 'prometheus-adapter')";

export const MetricsStackSpecSchema = Type.Object(
  {
    resourceMetrics: WithDefault(ResourceMetricsSchema, {}),
    metricsServer: WithDefault(MetricsServerSchema, {}),
    prometheusAdapter: Type.Optional(PrometheusAdapterSchema),
    fargate: WithDefault(FargateSchema, {}),
    clusterAutoscaler: Type.Optional(ClusterAutoscalerSchema),
    cluster: WithDefault(ClusterSchema, {}),
    deletionPolicy: WithDefault(
      StringEnum(DELETION_POLICIES, {
        description:
          'On deletion of this MetricsStack, Delete removes what the operator created (status.inventory); ' +
          'Orphan leaves it running.',
      }),
      'Delete',
    ),
  },
  {
    description: 'Desired autoscaling metrics pipeline.',
    'x-kubernetes-validations': [
      {
        rule: `!${PROVIDER_IS_ADAPTER} || (has(self.prometheusAdapter) && has(self.prometheusAdapter.resourceRules))`,
        message:
          'resourceMetrics.provider prometheus-adapter needs spec.prometheusAdapter with prometheusURL and ' +
          'resourceRules: the adapter then serves metrics.k8s.io',
      },
      {
        rule: `${PROVIDER_IS_ADAPTER} || !has(self.prometheusAdapter) || !has(self.prometheusAdapter.resourceRules)`,
        message:
          'prometheusAdapter.resourceRules serve metrics.k8s.io, which only one provider may own: set ' +
          'resourceMetrics.provider to prometheus-adapter or remove resourceRules',
      },
    ],
  },
);

/**
 * The longest MetricsStack name: it is the value of the metricsstack.io/owner label on every object the operator
 * creates, and a label value holds at most 63 characters (Event names and AWS tags, the other places it goes, allow more).
 */
export const MAX_STACK_NAME_LENGTH = 63;

/** Schema of a whole MetricsStack object, the CRD's openAPIV3Schema. */
export const MetricsStackSchema = Type.Object(
  {
    apiVersion: Type.Optional(
      Type.String({ description: 'Versioned schema of this representation of an object, here metricsstack.io/v1alpha1.' }),
    ),
    kind: Type.Optional(Type.String({ description: 'REST resource this object represents, here MetricsStack.' })),
    // The apiserver owns metadata's schema: a CRD may say no more about it than `type: object`.
    metadata: Type.Optional(Type.Object({})),
    spec: WithDefault(MetricsStackSpecSchema, {}),
    status: Type.Optional(MetricsStackStatusSchema),
  },
  {
    description:
      'A MetricsStack makes Horizontal Pod Autoscaling work on this cluster: it deploys and verifies metrics-server ' +
      'or prometheus-adapter, keeps them off AWS Fargate, and wires Cluster Autoscaler IRSA and ASG discovery. ' +
      'Its status names the cause and the fix of whatever is broken.',
    // At the root, CEL may read metadata.name (and generateName; a generated name exists before validation). A
    // fieldPath may not point into metadata, so the message names the field.
    'x-kubernetes-validations': [
      {
        rule: `self.metadata.name.size() <= ${MAX_STACK_NAME_LENGTH}`,
        message:
          `metadata.name must be at most ${MAX_STACK_NAME_LENGTH} characters: the operator writes it into the metricsstack.io/owner ` +
          `label of every object it creates, and a label value holds at most ${MAX_STACK_NAME_LENGTH}`,
      },
    ],
  },
);
