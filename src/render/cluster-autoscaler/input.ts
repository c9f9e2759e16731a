/** What `renderClusterAutoscaler` needs: plain data decided by the Cluster Autoscaler reconciler. */

/** Scale-down settings, as in spec.clusterAutoscaler.scaleDown after defaulting. */
export interface ClusterAutoscalerScaleDown {
  readonly enabled: boolean;
  /** Go duration, e.g. `10m`. */
  readonly delayAfterAdd: string;
  /** Go duration, e.g. `10m`. */
  readonly unneededTime: string;
  /** Decimal string from 0 to 1, e.g. `0.5`. */
  readonly utilizationThreshold: string;
}

/** Everything the Cluster Autoscaler renderers turn into objects. */
export interface ClusterAutoscalerRenderInput {
  /** Name of the Deployment and the bindings (`cluster-autoscaler`). */
  readonly name: string;
  /** Namespace Cluster Autoscaler runs in: the service account's. */
  readonly namespace: string;
  /** The service account (annotated with the IRSA role by the reconciler, not rendered here). */
  readonly serviceAccountName: string;
  /** EKS cluster name: the second auto-discovery tag is `k8s.io/cluster-autoscaler/<clusterName>`. */
  readonly clusterName: string;
  /** AWS region, passed as AWS_REGION. */
  readonly region: string;
  /** Image whose minor version matches the cluster's. */
  readonly image: string;
  readonly scaleDown: ClusterAutoscalerScaleDown;
  /** The owning MetricsStack, for the pod template's ownership labels. */
  readonly owner: string;
}
