/**
 * Condition types and reasons of a MetricsStack: the one catalogue the compiler checks every condition against.
 * Conditions have positive polarity (True is good), so Ready is computed from the others; reasons are CamelCase and
 * each comes with a message that names the cause and the fix.
 */
import type { Static } from '@sinclair/typebox';
import type { ConditionSchema } from './schema-status.js';

/** The condition types a MetricsStack reports. */
export const ConditionType = {
  /** Every other condition that applies is True. */
  Ready: 'Ready',
  /** Every object the operator manages was applied with server-side apply. */
  ResourcesApplied: 'ResourcesApplied',
  /** The aggregation layer prerequisites exist (extension-apiserver-authentication, request-header CA). */
  AggregationLayerReady: 'AggregationLayerReady',
  /** metrics.k8s.io is Available and answers with node and pod metrics. */
  MetricsAPIAvailable: 'MetricsAPIAvailable',
  /** custom.metrics.k8s.io is Available (prometheus-adapter only). */
  CustomMetricsAPIAvailable: 'CustomMetricsAPIAvailable',
  /** external.metrics.k8s.io is Available (prometheus-adapter only). */
  ExternalMetricsAPIAvailable: 'ExternalMetricsAPIAvailable',
  /** No metrics pod runs on a Fargate node, where it could not reach its own kubelet. */
  FargatePlacementSafe: 'FargatePlacementSafe',
  /** Cluster Autoscaler's IRSA role, trust policy and ASG discovery tags are in place. */
  ClusterAutoscalerReady: 'ClusterAutoscalerReady',
} as const;

/** One of {@link ConditionType}. */
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

/**
 * The reasons kube-aggregator gives an APIService whose Available condition is False (k8s.io/kube-aggregator v0.36,
 * remote_available_controller.go). The metrics API conditions repeat them, so the fix they name fits the failure.
 */
export const AggregatorReason = {
  ServiceNotFound: 'ServiceNotFound',
  ServiceAccessError: 'ServiceAccessError',
  ServicePortError: 'ServicePortError',
  EndpointsNotFound: 'EndpointsNotFound',
  EndpointsAccessError: 'EndpointsAccessError',
  MissingEndpoints: 'MissingEndpoints',
  /** The aggregator could not reach the backend's pods, or did not trust what answered. */
  FailedDiscoveryCheck: 'FailedDiscoveryCheck',
} as const;

/** One of {@link AggregatorReason}. */
export type AggregatorReason = (typeof AggregatorReason)[keyof typeof AggregatorReason];

/** Why a condition has its status. */
export const ConditionReason = {
  ...AggregatorReason,
  Reconciling: 'Reconciling',
  /** Ready: every dependent condition is True. */
  AllDependenciesReady: 'AllDependenciesReady',
  /** Ready: no dependent is False, but one is Unknown or not observed yet. */
  DependencyNotReady: 'DependencyNotReady',
  /** Stands in for a dependent of Ready that is not observed yet. */
  Pending: 'Pending',
  Applied: 'Applied',
  /** A sub-reconciler failed with an error (an admission webhook denying a write, say); the parent retries with backoff. */
  ReconcileError: 'ReconcileError',
  /** Another field manager owns an object we would apply; spec.*.adoptExisting lets us take it over. */
  Conflict: 'Conflict',
  AdoptionRefused: 'AdoptionRefused',
  InvalidSpec: 'InvalidSpec',
  /** kube-system/extension-apiserver-authentication is missing: the aggregation layer is not configured (seed 000). */
  ExtensionAPIAuthenticationMissing: 'ExtensionAPIAuthenticationMissing',
  /** The ConfigMap lacks requestheader-client-ca-file: kube-apiserver runs without --requestheader-* flags. */
  RequestHeaderCAMissing: 'RequestHeaderCAMissing',
  AggregationLayerConfigured: 'AggregationLayerConfigured',
  /** The APIService is missing, not checked yet, not Available for a reason the aggregator did not give, or fails a request. */
  APIServiceUnavailable: 'APIServiceUnavailable',
  MetricsAvailable: 'MetricsAvailable',
  NoMetricsReturned: 'NoMetricsReturned',
  /** prometheus-adapter's Prometheus does not answer at spec.prometheusAdapter.prometheusURL (checked from the operator). */
  PrometheusUnreachable: 'PrometheusUnreachable',
  /** An API moves between backends (provider switch): the old one serves until the new one's pods are ready. */
  HandoverInProgress: 'HandoverInProgress',
  /**
   * The backend's Deployment rolls out or finished moments ago, so its API not answering yet is expected: Unknown,
   * not False, until the rollout completed and its pods had time to serve (KEDA's lesson, argo-cd #28522).
   */
  Starting: 'Starting',
  /** The namespace a backend should run in does not exist (the operator does not create namespaces). */
  NamespaceNotFound: 'NamespaceNotFound',
  /** metrics-server cannot reach a kubelet (e.g. connection refused on 10250 from Fargate, seed 001). */
  KubeletUnreachable: 'KubeletUnreachable',
  /** Kubelet serving certificates do not verify (x509: certificate is valid for …, not …, seed 004). */
  KubeletCertificateInvalid: 'KubeletCertificateInvalid',
  NotApplicable: 'NotApplicable',
  /** The cluster has no EC2 nodes, so metrics-server has nowhere safe to run; use prometheus-adapter. */
  NoEC2Capacity: 'NoEC2Capacity',
  PodsOnFargate: 'PodsOnFargate',
  /** Every metrics-server pod was seen running on an EC2 node (strategy Annotate, verified from the pods). */
  PodsOnEC2: 'PodsOnEC2',
  /** The metrics-server pods are not scheduled yet, so where they run cannot be verified. */
  PodsNotScheduled: 'PodsNotScheduled',
  NotSelectedByFargateProfile: 'NotSelectedByFargateProfile',
  /** A Fargate profile selects the namespace (and labels) metrics-server would run with (strategy Namespace). */
  SelectedByFargateProfile: 'SelectedByFargateProfile',
  /** The profile recreation stopped: EKS or a conflicting profile needs a person (status.fargate.plan says where). */
  RecreateProfileFailed: 'RecreateProfileFailed',
  /** A RecreateProfile plan is recorded in status.fargate.plan and waits for dryRun: false. */
  RecreationPlanned: 'RecreationPlanned',
  RecreatingProfile: 'RecreatingProfile',
  /** A requested replacement profile would still select metrics-server's pods (RecreateProfile refuses the plan). */
  ReplacementSelectsMetricsServer: 'ReplacementSelectsMetricsServer',
  /** A requested replacement would not select a selector or a pod its original selects (RecreateProfile refuses the plan). */
  ReplacementUncovered: 'ReplacementUncovered',
  /** Another MetricsStack (or manager) serves metrics.k8s.io, so this one may not change Fargate profiles. */
  NotMetricsAPIOwner: 'NotMetricsAPIOwner',
  /** The role's trust policy does not allow this service account (usually a mismatched `sub`). */
  RoleTrustPolicyMismatch: 'RoleTrustPolicyMismatch',
  /** Auto Scaling groups lack the k8s.io/cluster-autoscaler/* discovery tags. */
  ASGDiscoveryTagsMissing: 'ASGDiscoveryTagsMissing',
  /** No IAM OIDC provider for the cluster's issuer, or one without the sts.amazonaws.com audience: IRSA cannot work. */
  OIDCProviderMissing: 'OIDCProviderMissing',
  /** The cluster's node groups have no Auto Scaling groups, so Cluster Autoscaler has nothing to scale. */
  NoAutoScalingGroups: 'NoAutoScalingGroups',
  /** Cluster Autoscaler's service account, IRSA role and ASG discovery tags are in place. */
  ClusterAutoscalerConfigured: 'ClusterAutoscalerConfigured',
  /** Neither spec.cluster, the nodes nor ListClusters say which EKS cluster this is. */
  ClusterUnknown: 'ClusterUnknown',
  /** The EKS cluster's OIDC issuer is not this apiserver's service-account issuer (or either is unknown): no AWS write. */
  ClusterIdentityUnverified: 'ClusterIdentityUnverified',
  AccessDenied: 'AccessDenied',
  Throttled: 'Throttled',
  /** AWS answered with a server error or not at all; the operator retries with backoff. */
  AWSUnavailable: 'AWSUnavailable',
  /** AWS rejected a request as invalid (the message quotes AWS). */
  AWSError: 'AWSError',
  NotFound: 'NotFound',
} as const;

/** One of {@link ConditionReason}. */
export type ConditionReason = (typeof ConditionReason)[keyof typeof ConditionReason];

declare const relayed: unique symbol;

/**
 * A reason the operator passes on without choosing it: Ready repeats its first False dependent's reason as read back
 * from status (an earlier version may have written it), and an API condition repeats a CamelCase reason of a newer
 * aggregator that {@link AggregatorReason} does not list yet. Only {@link relayReason} makes one.
 */
export type RelayedReason = string & { readonly [relayed]: true };

/** The one way past the catalogue, for a reason read from elsewhere (see {@link RelayedReason}). */
export const relayReason = (reason: string): RelayedReason => reason as RelayedReason;

const aggregatorReasons: ReadonlySet<string> = new Set(Object.values(AggregatorReason));

/** Whether `reason` is one kube-aggregator gives (see {@link AggregatorReason}). */
export const isAggregatorReason = (reason: string): reason is AggregatorReason => aggregatorReasons.has(reason);

/** A metav1.Condition: `{type, status, reason, message, observedGeneration, lastTransitionTime}`. */
export type Condition = Static<typeof ConditionSchema>;

/** The status of a {@link Condition}. */
export type ConditionStatus = Condition['status'];
