import { stringify } from 'yaml';

/**
 * kube-system/cluster-autoscaler-status `data.status` as Cluster Autoscaler (1.30 and later) writes it: YAML with
 * autoscalerStatus, clusterWide health/scaleUp/scaleDown and one entry per node group (field names and layout from
 * upstream clusterstate/utils/status.go and its golden status_test.yaml). Here: one EKS managed node group's ASG at
 * its maxSize, so CA has nowhere to put Pending pods.
 */
export function caStatusAtMaxSize(group: string, size: number, now = new Date()): string {
  const t = now.toISOString().replace(/\.\d+Z$/, 'Z');
  const probed = { lastProbeTime: t, lastTransitionTime: t };
  const nodeCounts = { registered: { total: size, ready: size, notStarted: 0, unready: { total: 0, resourceUnready: 0 } }, longUnregistered: 0, unregistered: 0 };
  return stringify({
    time: now.toISOString().replace('T', ' ').replace('Z', ' +0000 UTC'),
    autoscalerStatus: 'Running',
    clusterWide: {
      health: { status: 'Healthy', nodeCounts, ...probed },
      scaleUp: { status: 'NoActivity', ...probed },
      scaleDown: { status: 'NoCandidates', candidates: 0, ...probed },
    },
    nodeGroups: [{
      name: group,
      health: { status: 'Healthy', nodeCounts, cloudProviderTarget: size, minSize: 1, maxSize: size, ...probed },
      scaleUp: { status: 'NoActivity', ...probed },
      scaleDown: { status: 'NoCandidates', candidates: 0, ...probed },
    }],
  }, { aliasDuplicateObjects: false });
}
