/**
 * The two tag keys of Cluster Autoscaler's AWS auto-discovery: the rendered
 * `--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/<cluster>` names them,
 * and the reconciler puts them on the node groups' Auto Scaling groups. They live here, below both, so render needs
 * nothing from the reconcilers.
 */

/** The tag key that marks a group for Cluster Autoscaler in any cluster. */
export const CA_ENABLED_TAG = 'k8s.io/cluster-autoscaler/enabled';
/** The tag key that ties a group to one cluster's Cluster Autoscaler. */
export const caClusterTag = (clusterName: string): string => `k8s.io/cluster-autoscaler/${clusterName}`;
