/** metrics-server as Kubernetes objects: pure, deterministic, no I/O. The serving certificate Secret is made elsewhere. */
import type { KubernetesObject } from '@kubernetes/client-node';
import { renderMetricsServerAPIService } from './apiservice.js';
import { renderMetricsServerDeployment } from './deployment.js';
import type { MetricsServerRenderInput } from './input.js';
import { renderMetricsServerPodDisruptionBudget } from './pdb.js';
import {
  renderMetricsServerAggregatedReader,
  renderMetricsServerAuthDelegatorBinding,
  renderMetricsServerAuthReaderBinding,
  renderMetricsServerClusterRole,
  renderMetricsServerClusterRoleBinding,
  renderMetricsServerServiceAccount,
} from './rbac.js';
import { renderMetricsServerService } from './service.js';

export * from './apiservice.js';
export * from './deployment.js';
export type * from './input.js';
export * from './labels.js';
export * from './paths.js';
export * from './pdb.js';
export * from './pod.js';
export * from './rbac.js';
export * from './service.js';

/**
 * Every metrics-server object, in apply order: identity and RBAC before the pods that need them, the APIService last
 * so the apiserver does not probe a Service without endpoints. The PodDisruptionBudget exists only for 2+ replicas.
 */
export function renderMetricsServer(input: MetricsServerRenderInput): KubernetesObject[] {
  const pdb = renderMetricsServerPodDisruptionBudget(input);
  return [
    renderMetricsServerServiceAccount(input),
    renderMetricsServerClusterRole(input),
    renderMetricsServerAggregatedReader(input),
    renderMetricsServerClusterRoleBinding(input),
    renderMetricsServerAuthDelegatorBinding(input),
    renderMetricsServerAuthReaderBinding(input),
    renderMetricsServerService(input),
    renderMetricsServerDeployment(input),
    ...(pdb ? [pdb] : []),
    renderMetricsServerAPIService(input),
  ];
}
