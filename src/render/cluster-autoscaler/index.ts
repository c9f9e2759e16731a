/** Cluster Autoscaler as Kubernetes objects: pure, deterministic, no I/O. Its service account is annotated elsewhere. */
import type { KubernetesObject } from '@kubernetes/client-node';
import { renderClusterAutoscalerDeployment } from './deployment.js';
import type { ClusterAutoscalerRenderInput } from './input.js';
import { renderClusterAutoscalerClusterRoleBinding, renderClusterAutoscalerRoleBinding } from './rbac.js';

export * from './deployment.js';
export type * from './input.js';
export * from './labels.js';
export * from './rbac.js';

/** The Deployment `cluster-autoscaler`. */
export const CLUSTER_AUTOSCALER_NAME = 'cluster-autoscaler';

/** Bindings before the Deployment, so its pods start with their permissions. */
export function renderClusterAutoscaler(input: ClusterAutoscalerRenderInput): KubernetesObject[] {
  return [renderClusterAutoscalerClusterRoleBinding(input), renderClusterAutoscalerRoleBinding(input), renderClusterAutoscalerDeployment(input)];
}
