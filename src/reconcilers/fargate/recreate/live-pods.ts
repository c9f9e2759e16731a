/**
 * The pods a replacement is checked against (coverage.ts), read from the API when a recreation is planned: those in
 * the namespaces the originals select, with every label. Not from a cache: the operator watches only its own pods, so
 * its memory does not grow with the cluster; this list is made only while an original remains, and is not kept.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { FargateProfile } from '../../../cloud/aws/ports.js';
import type { ObjectClient } from '../../../kube/client.js';
import { METRICS_SERVER_NAME, selectorLabels } from '../../../render/metrics-server/labels.js';
import type { PodPlacementKey } from '../profile-match.js';
import type { CoverageFacts, LivePod } from './coverage.js';

/** Lists the pods of the namespaces `originals` select (all namespaces when one is a wildcard), split by whose they are. */
export async function readCoverageFacts(
  objects: Pick<ObjectClient, 'listKind'>, originals: readonly Pick<FargateProfile, 'selectors'>[], metricsServer: PodPlacementKey,
): Promise<CoverageFacts> {
  const patterns = [...new Set(originals.flatMap((p) => p.selectors.map((s) => s.namespace)))];
  const namespaces = patterns.some((n) => /[*?]/.test(n)) ? [undefined] : patterns;
  const pods: LivePod[] = [];
  for (const namespace of namespaces) {
    const list = await objects.listKind<V1Pod>('v1', 'Pod', namespace ? { namespace } : {}, trim);
    for (const p of list.items) {
      const ended = p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed' || !!p.metadata?.deletionTimestamp;
      if (!ended) pods.push({ name: p.metadata?.name ?? '', namespace: p.metadata?.namespace ?? '', labels: p.metadata?.labels ?? {} });
    }
  }
  const selector = Object.entries(selectorLabels({ name: METRICS_SERVER_NAME }));
  const isMetricsServer = (p: LivePod): boolean => p.namespace === metricsServer.namespace && selector.every(([k, v]) => p.labels[k] === v);
  return { metricsServer, metricsServerPods: pods.filter(isMetricsServer), otherPods: pods.filter((p) => !isMetricsServer(p)) };
}

/** Only what the check reads, page by page: a long list need not sit in memory whole. */
const trim = (p: V1Pod): V1Pod => ({
  metadata: {
    name: p.metadata?.name ?? '', namespace: p.metadata?.namespace ?? '', labels: p.metadata?.labels ?? {},
    ...(p.metadata?.deletionTimestamp ? { deletionTimestamp: p.metadata.deletionTimestamp } : {}),
  },
  ...(p.status?.phase ? { status: { phase: p.status.phase } } : {}),
});
