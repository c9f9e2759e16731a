/**
 * Fargate placement of metrics-server as pure decisions (seed 001): where it runs, whether the cluster can host it at
 * all, whether a Fargate profile would take its pods, and whether the pods really landed on EC2.
 */
import type { FargateProfile } from '../../cloud/aws/ports.js';
import { ConditionType, type ConditionReason } from '../../api/v1alpha1/conditions.js';
import type { ConditionInput } from '../../kube/conditions.js';
import type { MetricsServerPlacementDecision, PlacementCheck } from '../stack/context.js';
import { matchingProfiles, type PodPlacementKey } from './profile-match.js';

/** What the spec and the node list say, before any AWS call. */
export interface PlacementFacts {
  readonly kind: 'EKS' | 'Generic';
  readonly provider: string;
  readonly placement: 'AvoidFargate' | 'Ignore';
  readonly strategy: 'Annotate' | 'Namespace' | 'RecreateProfile';
  /** spec.metricsServer.namespace. */
  readonly namespace: string;
  /** spec.fargate.namespace (strategy Namespace). */
  readonly fargateNamespace?: string | undefined;
  readonly ec2Nodes: number;
  readonly fargateNodes: number;
}

/** Where metrics-server goes, and either the final condition or the strategy that still needs the profiles. */
export interface PlacementDecision {
  readonly placement: MetricsServerPlacementDecision;
  readonly condition?: ConditionInput;
}

const safe = (reason: ConditionReason, message: string): ConditionInput =>
  ({ type: ConditionType.FargatePlacementSafe, status: 'True', reason, message });
const unsafe = (reason: ConditionReason, message: string): ConditionInput =>
  ({ type: ConditionType.FargatePlacementSafe, status: 'False', reason, message });

/** Decides placement from spec and nodes alone; a condition here is final (no AWS call, no pod check needed). */
export function decidePlacement(f: PlacementFacts): PlacementDecision {
  const plain = { namespace: f.namespace, annotateEC2: false, avoidFargateAffinity: false };
  if (f.provider !== 'metrics-server') {
    const message = f.provider === 'existing'
      ? 'The operator deploys no metrics-server (resourceMetrics.provider is existing); MetricsAPIAvailable says whether the existing one runs on Fargate.'
      : `metrics-server is not deployed (resourceMetrics.provider is ${f.provider}), so nothing needs keeping off Fargate.`;
    return { placement: plain, condition: safe('NotApplicable', message) };
  }
  if (f.kind !== 'EKS') return { placement: plain, condition: safe('NotApplicable', 'The cluster is not Amazon EKS: there are no Fargate nodes to avoid.') };
  if (f.placement === 'Ignore') {
    return { placement: plain, condition: safe('NotApplicable', 'spec.fargate.placement is Ignore: the operator does not keep metrics-server off Fargate.') };
  }
  const placement = {
    namespace: f.strategy === 'Namespace' && f.fargateNamespace ? f.fargateNamespace : f.namespace,
    annotateEC2: f.strategy === 'Annotate',
    avoidFargateAffinity: true,
  };
  if (f.ec2Nodes === 0 && f.fargateNodes > 0) {
    return {
      placement,
      condition: unsafe(
        'NoEC2Capacity',
        `The cluster has ${f.fargateNodes} Fargate node${f.fargateNodes === 1 ? '' : 's'} and no EC2 node. metrics-server on a Fargate node cannot ` +
          `reach its own node's kubelet (it fails with "dial tcp <ip>:10250: connect: connection refused"; Fargate blocks this by design), ` +
          'so metrics-server has nowhere safe to run and its pods stay Pending. Add an EC2 node group (one small node is enough), or set ' +
          'spec.resourceMetrics.provider: prometheus-adapter and serve the resource metrics from Prometheus, which scrapes the kubelets ' +
          'through the apiserver instead.',
      ),
    };
  }
  return { placement };
}

/** `fp-a (namespace kube-system)`, `fp-b (namespace default, compute=fargate)`. */
export function describeProfiles(profiles: readonly Pick<FargateProfile, 'name' | 'selectors'>[]): string {
  return profiles.map((p) => `${p.name} (${p.selectors.map(describeSelector).join('; ')})`).join(', ');
}

/** `namespace default, compute=fargate`. */
export const describeSelector = (s: FargateProfile['selectors'][number]): string =>
  [`namespace ${s.namespace}`, ...Object.entries(s.labels ?? {}).map(([k, v]) => `${k}=${v}`)].join(', ');

/** Strategy Namespace: the namespace must be one no profile selects for metrics-server's labels. */
export function decideNamespace(profiles: readonly Pick<FargateProfile, 'name' | 'selectors'>[], pod: PodPlacementKey): ConditionInput | undefined {
  const hits = matchingProfiles(profiles, pod);
  if (hits.length === 0) return undefined;
  return unsafe(
    'SelectedByFargateProfile',
    `spec.fargate.namespace ${pod.namespace} is selected by Fargate profile ${describeProfiles(hits)}, so metrics-server's pods would run on ` +
      `Fargate, where they cannot reach their own node's kubelet. Choose a namespace no profile selects, or use strategy RecreateProfile.`,
  );
}

/** One metrics-server pod as the pod cache holds it. */
export interface PodSeen {
  readonly name: string;
  readonly nodeName?: string | undefined;
}

/** After the apply: where the pods actually run. `ok` is the True condition to report when none is on Fargate. */
export function decidePodPlacement(pods: readonly PodSeen[], isFargate: (node: string) => boolean, ok: PlacementCheck): ConditionInput {
  const onFargate = pods.filter((p) => p.nodeName && isFargate(p.nodeName));
  if (onFargate.length > 0) {
    return unsafe(
      'PodsOnFargate',
      `metrics-server pod${onFargate.length === 1 ? '' : 's'} ${onFargate.map((p) => `${p.name} (node ${p.nodeName})`).join(', ')} ` +
        `run${onFargate.length === 1 ? 's' : ''} on Fargate, where metrics-server cannot reach its own node's kubelet (dial tcp <ip>:10250: ` +
        'connect: connection refused). Delete the pod so it is rescheduled onto EC2, or use spec.fargate.strategy Namespace or RecreateProfile ' +
        'so no Fargate profile selects it.',
    );
  }
  const scheduled = pods.filter((p) => p.nodeName);
  if (scheduled.length === 0) {
    return {
      type: ConditionType.FargatePlacementSafe,
      status: 'Unknown',
      reason: 'PodsNotScheduled',
      message: pods.length === 0
        ? 'No metrics-server pod exists yet; where it runs is checked once it does.'
        : `${pods.length} metrics-server pod(s) are not scheduled yet.`,
    };
  }
  const pending = pods.length - scheduled.length;
  const nodes = [...new Set(scheduled.map((p) => p.nodeName))].join(', ');
  const where = `${scheduled.length} metrics-server pod(s) run on EC2 node(s) ${nodes}${pending ? `; ${pending} not scheduled yet` : ''}`;
  return safe(ok.reason, `${ok.message} ${where}.`);
}
