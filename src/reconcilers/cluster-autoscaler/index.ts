/** Cluster Autoscaler on EKS: service account IRSA annotation and check, ASG discovery tags, optional deployment. */
export { ClusterAutoscalerReconciler, type ClusterAutoscalerDeps } from './reconciler.js';
