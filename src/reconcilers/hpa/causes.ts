/**
 * Why an HPA does not scale, as a typed catalogue: the operator's status, Events and gauge and the kubectl plugin all
 * name these. Each is a root cause with a fix, not the HPA's symptom (`<unknown>` targets, FailedGetResourceMetric).
 */
export const HpaCause = {
  /** scaleTargetRef names an object that does not exist (FailedGetScale). */
  TargetMissing: 'TargetMissing',
  /** The target's scale has no selector, so the HPA cannot find its pods (InvalidSelector). */
  TargetHasNoSelector: 'TargetHasNoSelector',
  /** The target runs 0 replicas: the HPA disables itself (ScalingDisabled). */
  TargetScaledToZero: 'TargetScaledToZero',
  /** averageUtilization needs a request for the resource on every container of the pod template, sidecars included. */
  MissingResourceRequest: 'MissingResourceRequest',
  /** No APIService serves the metrics API the HPA needs. */
  MetricsAPINotRegistered: 'MetricsAPINotRegistered',
  /** The APIService exists but kube-aggregator reports it not Available. */
  MetricsAPINotAvailable: 'MetricsAPINotAvailable',
  /** The APIService points at a backend other than the one the MetricsStack deploys. */
  MetricsAPIServedByOther: 'MetricsAPIServedByOther',
  /** The target's pods share the Fargate node metrics-server runs on: it cannot reach its own kubelet. */
  PodsOnMetricsServerFargateNode: 'PodsOnMetricsServerFargateNode',
  /** The target's pods run on nodes whose kubelets metrics-server cannot reach or verify. */
  PodsOnUnreachableNodes: 'PodsOnUnreachableNodes',
  /** A Pods or Object metric that no prometheus-adapter rule produces. */
  UnknownCustomMetric: 'UnknownCustomMetric',
  /** external.metrics.k8s.io belongs to another provider (KEDA), and this HPA is not that provider's. */
  ExternalMetricsOwnedByOther: 'ExternalMetricsOwnedByOther',
  /** At maxReplicas for long with Pending pods: the cluster has no room, Cluster Autoscaler did not add nodes. */
  ScaleOutBlockedPendingPods: 'ScaleOutBlockedPendingPods',
  /** The HPA reports a failure none of the above explains; its own reason and message are passed on. */
  HPAReportsFailure: 'HPAReportsFailure',
} as const;

/** One of {@link HpaCause}. */
export type HpaCause = (typeof HpaCause)[keyof typeof HpaCause];

/** Precedence: the first cause found is the root; later ones are often its consequence. */
export const CAUSE_ORDER: readonly HpaCause[] = Object.values(HpaCause);

/** One problem with one HPA: its cause, what is wrong (naming the objects) and how to fix it. */
export interface Finding {
  readonly cause: HpaCause;
  readonly message: string;
  readonly fix: string;
}

/** The doctor's verdict on one HPA: healthy, or its findings with the root cause first. */
export interface HpaVerdict {
  readonly namespace: string;
  readonly name: string;
  /** Empty: the HPA scales. */
  readonly findings: readonly Finding[];
}

/** The root cause of a verdict, if any. */
export const rootCause = (v: HpaVerdict): Finding | undefined => v.findings[0];
