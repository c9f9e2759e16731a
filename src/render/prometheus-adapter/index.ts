/** prometheus-adapter as Kubernetes objects: pure, deterministic, no I/O. The serving certificate Secret is made elsewhere. */
import type { KubernetesObject } from '@kubernetes/client-node';
import { adapterAPIServiceNames, renderPrometheusAdapterAPIService } from './apiservice.js';
import { servedAPIs } from './config.js';
import { renderPrometheusAdapterDeployment, renderPrometheusAdapterPodDisruptionBudget } from './deployment.js';
import type { PrometheusAdapterRenderInput } from './input.js';
import {
  renderPrometheusAdapterAggregatedReader,
  renderPrometheusAdapterAuthDelegatorBinding,
  renderPrometheusAdapterAuthReaderBinding,
  renderPrometheusAdapterResourceReader,
  renderPrometheusAdapterResourceReaderBinding,
  renderPrometheusAdapterServiceAccount,
} from './rbac.js';
import { renderPrometheusAdapterConfigMap, renderPrometheusAdapterService } from './service.js';

export * from './apiservice.js';
export * from './config.js';
export * from './deployment.js';
export type * from './input.js';
export * from './labels.js';
export * from './paths.js';
export * from './rbac.js';
export * from './service.js';

/**
 * Every prometheus-adapter object, in apply order: identity and RBAC, then the configuration, the Service and the
 * pods, the APIServices last so the apiserver does not probe a Service without endpoints. The HPA controller's
 * access exists only with custom or external rules; the aggregated reader only when serving metrics.k8s.io.
 */
export function renderPrometheusAdapter(input: PrometheusAdapterRenderInput): KubernetesObject[] {
  const served = servedAPIs(input.config);
  const pdb = renderPrometheusAdapterPodDisruptionBudget(input);
  return [
    renderPrometheusAdapterServiceAccount(input),
    renderPrometheusAdapterResourceReader(input),
    renderPrometheusAdapterResourceReaderBinding(input),
    renderPrometheusAdapterAuthDelegatorBinding(input),
    renderPrometheusAdapterAuthReaderBinding(input),
    // No role for the HPA controller: Kubernetes' bootstrap policy (system:controller:horizontal-pod-autoscaler)
    // already lets it read custom.metrics.k8s.io and external.metrics.k8s.io, and granting it again would need a `*`.
    ...(served.resource ? [renderPrometheusAdapterAggregatedReader(input)] : []),
    renderPrometheusAdapterConfigMap(input),
    renderPrometheusAdapterService(input),
    renderPrometheusAdapterDeployment(input),
    ...(pdb ? [pdb] : []),
    ...adapterAPIServiceNames(input).map((name) => renderPrometheusAdapterAPIService(input, name)),
  ];
}
