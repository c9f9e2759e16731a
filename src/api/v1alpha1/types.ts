/** TypeScript types of the MetricsStack API, all derived from the TypeBox schemas in schema.ts. */
import type { V1ListMeta, V1ObjectMeta } from '@kubernetes/client-node';
import type { Static } from '@sinclair/typebox';
import type {
  ClusterAutoscalerSchema,
  FargateSchema,
  InventoryEntrySchema,
  MetricsServerSchema,
  MetricsStackSpecSchema,
  MetricsStackStatusSchema,
  PrometheusAdapterRuleSchema,
  PrometheusAdapterSchema,
} from './schema.js';

/** API group of MetricsStack. */
export const GROUP = 'metricsstack.io';
/** API version of MetricsStack within {@link GROUP}. */
export const VERSION = 'v1alpha1';
/** Kind of the custom resource. */
export const KIND = 'MetricsStack';
/** Kind of a list of MetricsStacks. */
export const LIST_KIND = 'MetricsStackList';
/** Resource name in URLs. */
export const PLURAL = 'metricsstacks';
/** Singular resource name. */
export const SINGULAR = 'metricsstack';
/** `apiVersion` of a MetricsStack object. */
export const API_VERSION = `${GROUP}/${VERSION}` as const;
/** Name of the CRD object. */
export const CRD_NAME = `${PLURAL}.${GROUP}` as const;

/** Desired state, as the user wrote it (before defaulting; see `withDefaults`). */
export type MetricsStackSpec = Static<typeof MetricsStackSpecSchema>;
/** Observed state, written by the operator. */
export type MetricsStackStatus = Static<typeof MetricsStackStatusSchema>;
/** `spec.resourceMetrics.provider`. */
export type ResourceMetricsProvider = NonNullable<NonNullable<MetricsStackSpec['resourceMetrics']>['provider']>;
/** `spec.metricsServer`. */
export type MetricsServerSpec = Static<typeof MetricsServerSchema>;
/** `spec.prometheusAdapter`. */
export type PrometheusAdapterSpec = Static<typeof PrometheusAdapterSchema>;
/** One prometheus-adapter discovery rule (`rules[]`, `externalRules[]`). */
export type PrometheusAdapterRule = Static<typeof PrometheusAdapterRuleSchema>;
/** `spec.fargate`. */
export type FargateSpec = Static<typeof FargateSchema>;
/** `spec.clusterAutoscaler`. */
export type ClusterAutoscalerSpec = Static<typeof ClusterAutoscalerSchema>;
/** One object the operator created, as recorded in `status.inventory`. */
export type InventoryEntry = Static<typeof InventoryEntrySchema>;

/** A MetricsStack: cluster-scoped; the operator reconciles one pipeline from it. */
export interface MetricsStack {
  apiVersion: typeof API_VERSION;
  kind: typeof KIND;
  metadata: V1ObjectMeta;
  spec: MetricsStackSpec;
  status?: MetricsStackStatus;
}

/** A list of MetricsStacks, as the API returns it. */
export interface MetricsStackList {
  apiVersion: typeof API_VERSION;
  kind: typeof LIST_KIND;
  metadata: V1ListMeta;
  items: MetricsStack[];
}
