/**
 * What the HPA doctor decides from: plain data gathered by the operator (from its caches and one read of the scale
 * target) or by the kubectl plugin (from the user's kubeconfig). No client types beyond erased type imports.
 */
import type { V1Container, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';

/** The metrics APIs an HPA can need, by the metric source types that use them. */
export type MetricsApi = 'metrics' | 'custom' | 'external';

/** The APIService of one metrics API as kube-aggregator reports it. */
export interface ApiServiceFacts {
  readonly name: string;
  /** Absent: served by the apiserver itself (a local APIService). */
  readonly service?: { readonly namespace: string; readonly name: string } | undefined;
  readonly available: 'True' | 'False' | 'Unknown';
  /** The MetricsStack whose operator applied it (metricsstack.io/owner): ours, even while it points at the old backend. */
  readonly owner?: string | undefined;
  readonly reason?: string | undefined;
  readonly message?: string | undefined;
}

/** The scale target's pod template and scale, read on demand. */
export interface TargetFacts {
  readonly kind: string;
  readonly name: string;
  readonly replicas: number;
  readonly hasSelector: boolean;
  /** Containers and native sidecars (init containers with restartPolicy Always): the HPA counts both. */
  readonly containers: readonly Pick<V1Container, 'name' | 'resources'>[];
  /** matchLabels as a label selector, to list the target's pods when a check needs them. */
  readonly podSelector?: string | undefined;
}

/** Where metrics-server stands with the nodes. */
export interface MetricsServerReach {
  /** Fargate nodes that run a metrics-server pod (it cannot reach its own kubelet there). */
  readonly ownFargateNodes: readonly string[];
  /** Nodes whose kubelets metrics-server cannot reach or verify, with why. */
  readonly unreachable: ReadonlyMap<string, string>;
}

/** Everything one verdict is computed from. `undefined` always means "not known": no finding is drawn from it. */
export interface HpaFacts {
  readonly hpa: V2HorizontalPodAutoscaler;
  /** `'missing'`: the target does not exist. */
  readonly target: TargetFacts | 'missing' | undefined;
  /** By API; a key present with `undefined`: no APIService registered. */
  readonly apiServices: Partial<Record<MetricsApi, ApiServiceFacts | undefined>>;
  /** The backend the MetricsStack deploys for each API, `namespace/name` of its Service; absent: no expectation. */
  readonly expectedServices?: Partial<Record<MetricsApi, string>> | undefined;
  /** Nodes the target's pods run on (read only when the HPA reports missing pod metrics). */
  readonly podNodes?: readonly string[] | undefined;
  readonly metricsServer?: MetricsServerReach | undefined;
  /** Metric names the custom metrics API lists (discovery): what the adapter's rules produce from Prometheus's series. */
  readonly customMetricNames?: readonly string[] | undefined;
  /** What the MetricsStack's own adapter rules name, when it deploys custom.metrics.k8s.io. */
  readonly specRules?: SpecRuleNames | undefined;
  /** The target's Pending pods (read only when the HPA is limited at maxReplicas). */
  readonly pendingPods?: number | undefined;
  /** kube-system/cluster-autoscaler-status `data.status`; null: the ConfigMap does not exist. */
  readonly clusterAutoscalerStatus?: string | null | undefined;
  /** How long ScalingLimited/TooManyReplicas with Pending pods lasts before it is a finding; absent: LIMITED_LONG_MS. */
  readonly limitedAfterMs?: number | undefined;
  readonly now: Date;
}

/** The APIService names that serve each metrics API; the first is the one checked. */
export const API_SERVICE_NAMES: Readonly<Record<MetricsApi, readonly string[]>> = {
  metrics: ['v1beta1.metrics.k8s.io'],
  custom: ['v1beta2.custom.metrics.k8s.io', 'v1beta1.custom.metrics.k8s.io'],
  external: ['v1beta1.external.metrics.k8s.io'],
};

/** The group of each metrics API, as HPA messages name it. */
export const API_GROUP: Readonly<Record<MetricsApi, string>> = {
  metrics: 'metrics.k8s.io', custom: 'custom.metrics.k8s.io', external: 'external.metrics.k8s.io',
};

/** The metric names `spec.prometheusAdapter.rules` give, as far as the rules alone decide them. */
export interface SpecRuleNames {
  /** Metric name → the seriesQuery of the rule that names it (rules whose series name is pinned). */
  readonly named: ReadonlyMap<string, string>;
  /** Rules whose metric names depend on the series Prometheus holds (a `__name__` pattern): any name may come from them. */
  readonly patterned: number;
}
