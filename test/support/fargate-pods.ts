import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { FARGATE_LABEL, FARGATE_TAINT, isFargate } from './kwok-nodes.js';

/**
 * On EKS a Fargate node exists because of its one pod: the fargate-scheduler starts a micro-VM for each pod a profile
 * selects and binds the pod to it. The presets create the Fargate nodes up front, so this binds one pod to each, as
 * the fargate-scheduler would. It matters for metrics: kwok reports a node's usage as the sum of its pods' usage,
 * and metrics-server drops a node whose CPU or memory reads 0 ("Failed getting complete node metric"), so a Fargate
 * node without its pod would show <unknown> in `kubectl top nodes`, which no real Fargate node does.
 */
export interface FargatePodsOptions {
  readonly namespace: string;
  /** Pod names are <name>-<n>. */
  readonly name: string;
  /** The labels the Fargate profile's selector matches (fp-default: compute=fargate). */
  readonly labels: Readonly<Record<string, string>>;
  /** The profile that "placed" the pods, as EKS annotates them. */
  readonly profile: string;
}

/** Creates one pod per Fargate node, bound to it; returns `pod → node`. */
export async function runOnFargateNodes(kc: KubeConfig, o: FargatePodsOptions): Promise<Map<string, string>> {
  const core = kc.makeApiClient(CoreV1Api);
  const nodes = (await core.listNode()).items.filter(isFargate).map((n) => n.metadata!.name!).sort();
  const placed = new Map<string, string>();
  for (const [i, node] of nodes.entries()) {
    const pod = fargatePod(o, `${o.name}-${i + 1}`, node);
    await core.createNamespacedPod({ namespace: o.namespace, body: pod });
    placed.set(pod.metadata!.name!, node);
  }
  return placed;
}

/** What the fargate-scheduler makes of a selected pod: bound to its node, tolerating its taint, annotated. */
export function fargatePod(o: FargatePodsOptions, podName: string, nodeName: string): V1Pod {
  return {
    metadata: {
      name: podName,
      labels: { ...o.labels, app: o.name },
      annotations: { [FARGATE_LABEL.key]: FARGATE_LABEL.value, 'eks.amazonaws.com/fargate-profile': o.profile },
    },
    spec: {
      nodeName,
      schedulerName: 'fargate-scheduler',
      tolerations: [{ key: FARGATE_TAINT.key, operator: 'Equal', value: FARGATE_TAINT.value, effect: FARGATE_TAINT.effect }],
      containers: [{ name: 'app', image: 'registry.example/app:1', resources: { requests: { cpu: '250m', memory: '512Mi' } } }],
    },
  };
}
