/** Findings about where the target's pods run: nodes metrics-server cannot scrape, and a full cluster. */
import { describeCaStatus } from './ca-status.js';
import { HpaCause, type Finding } from './causes.js';
import type { HpaFacts } from './facts.js';
import { hpaCondition, minutesSince } from './hpa-view.js';

/**
 * ScalingLimited at maxReplicas this long with Pending pods: the cluster, not the HPA, is the limit. The default of
 * --hpa-limited-after (operator) and --limited-after (plugin); facts.limitedAfterMs overrides it.
 */
export const LIMITED_LONG_MS = 10 * 60_000;

/**
 * metrics-server lists a new pod, or a node that just got its first pod, only after two scrapes: for this long after
 * the HPA lost its metrics, a node without metrics may only be late (seen on every new node), not unreachable.
 */
export const UNSCRAPED_GRACE_MS = 2 * 60_000;

/** The HPA has had no metrics for longer than the grace (or its condition carries no time); never when it has them. */
function unscrapedSettled(f: HpaFacts): boolean {
  const active = hpaCondition(f.hpa, 'ScalingActive');
  return active?.status !== 'True' && (!active?.lastTransitionTime || minutesSince(active, f.now) * 60_000 >= UNSCRAPED_GRACE_MS);
}

export function placementFindings(f: HpaFacts): Finding[] {
  const nodes = f.podNodes ?? [];
  const out: Finding[] = [];
  const own = nodes.filter((n) => f.metricsServer?.ownFargateNodes.includes(n));
  if (own.length > 0) {
    out.push({
      cause: HpaCause.PodsOnMetricsServerFargateNode,
      message: `pods run on Fargate node${own.length > 1 ? 's' : ''} ${own.join(', ')}, where metrics-server itself runs and cannot reach ` +
        'its own kubelet (dial tcp <ip>:10250: connect: connection refused, by AWS design)',
      fix: 'keep metrics-server off Fargate: MetricsStack spec.fargate.placement AvoidFargate (or remove its namespace from every Fargate profile)',
    });
  }
  const unreachable = unscrapedSettled(f) ? nodes.filter((n) => !own.includes(n) && f.metricsServer?.unreachable.has(n)) : [];
  if (unreachable.length > 0) {
    out.push({
      cause: HpaCause.PodsOnUnreachableNodes,
      message: `pods run on nodes metrics-server cannot scrape: ${unreachable.map((n) => `${n} (${f.metricsServer?.unreachable.get(n) ?? ''})`).join(', ')}`,
      fix: 'set MetricsStack spec.metricsServer.kubeletTLS (Verify with the kubelet CA, or Insecure) and check the kubelet port is open from metrics-server',
    });
  }
  return out;
}

export function limitFindings(f: HpaFacts): Finding[] {
  const limited = hpaCondition(f.hpa, 'ScalingLimited');
  if (limited?.status !== 'True' || limited.reason !== 'TooManyReplicas') return [];
  const minutes = minutesSince(limited, f.now);
  const since = minutes >= 1 ? `${Math.floor(minutes)} min` : `${Math.floor(minutes * 60)} s`;
  if ((f.pendingPods ?? 0) === 0 || minutes * 60_000 < (f.limitedAfterMs ?? LIMITED_LONG_MS)) return [];
  const ca = f.clusterAutoscalerStatus;
  const said = ca === null ? 'Cluster Autoscaler is not running (no kube-system/cluster-autoscaler-status ConfigMap)'
    : ca ? `Cluster Autoscaler says: ${describeCaStatus(ca)}` : 'Cluster Autoscaler status unknown';
  return [{
    cause: HpaCause.ScaleOutBlockedPendingPods,
    message: `at maxReplicas (${f.hpa.spec?.maxReplicas ?? '?'}) for ${since} with ${f.pendingPods ?? 0} ` +
      `Pending pods: the cluster has no room for them. ${said}`,
    fix: 'read kubectl -n kube-system get configmap cluster-autoscaler-status -o yaml: raise the Auto Scaling group maxSize if it is reached, ' +
      'or add a node group whose instances fit the pods\' requests and selectors; raise the HPA maxReplicas only once nodes can grow',
  }];
}

