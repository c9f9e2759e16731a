/**
 * Cluster Autoscaler on AWS: the auto-discovery tags its node groups need, and the image matching the cluster.
 *
 * `--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/<cluster>` finds
 * the groups where both tag KEYS exist; "it does not matter what value the tags have" (cluster-autoscaler AWS README).
 * We add the values EKS managed node groups use themselves, `true` and `owned`, and never overwrite a value already
 * there: a user's own value is just as valid.
 */

import { CA_ENABLED_TAG, caClusterTag } from '../../render/cluster-autoscaler/discovery-tags.js';

/** The discovery tags Cluster Autoscaler needs on an Auto Scaling group of `clusterName`, with the values we set. */
export function discoveryTags(clusterName: string): Record<string, string> {
  return { [CA_ENABLED_TAG]: 'true', [caClusterTag(clusterName)]: 'owned' };
}

/** The discovery tags `asg` lacks (by key), with the values to add; empty when it is already discoverable. */
export function missingDiscoveryTags(asg: { readonly tags: Readonly<Record<string, string>> }, clusterName: string): Record<string, string> {
  return Object.fromEntries(Object.entries(discoveryTags(clusterName)).filter(([key]) => !Object.hasOwn(asg.tags, key)));
}

/** Whether Cluster Autoscaler will discover `asg` for `clusterName`. */
export const hasDiscoveryTags = (asg: { readonly tags: Readonly<Record<string, string>> }, clusterName: string): boolean =>
  Object.keys(missingDiscoveryTags(asg, clusterName)).length === 0;

/**
 * A patch release known to be published for each Cluster Autoscaler minor. Cluster Autoscaler's minor must equal the
 * cluster's (it vendors the scheduler of that release); the patch is from a small hand-kept table (tags seen pinned
 * by kops and kubeone at the time of writing), not looked up at run time: bump it when upgrading the operator.
 * spec.clusterAutoscaler.image overrides it.
 */
export const CLUSTER_AUTOSCALER_PATCH: Readonly<Record<number, number>> = {
  28: 6,
  29: 4,
  30: 2,
  31: 1,
  32: 7,
  33: 5,
  34: 4,
  35: 1,
  36: 0,
};

/** Where Kubernetes SIG Autoscaling publishes Cluster Autoscaler images. */
export const CLUSTER_AUTOSCALER_REPOSITORY = 'registry.k8s.io/autoscaling/cluster-autoscaler';

/**
 * The Cluster Autoscaler image for a Kubernetes version as EKS reports it ("1.31", "v1.31.4-eks-1a2b3c").
 * Minors outside the table get patch 0, the first release of every Cluster Autoscaler minor; undefined when the
 * version cannot be read.
 */
export function clusterAutoscalerImage(kubernetesVersion: string): string | undefined {
  const m = /^v?1\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(kubernetesVersion.trim());
  if (!m) return undefined;
  const minor = Number(m[1]);
  return `${CLUSTER_AUTOSCALER_REPOSITORY}:v1.${minor}.${CLUSTER_AUTOSCALER_PATCH[minor] ?? 0}`;
}
