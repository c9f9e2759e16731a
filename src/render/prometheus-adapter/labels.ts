/** Labels every prometheus-adapter object carries; ownership labels are added by the Applier, not here. */
import type { PrometheusAdapterRenderInput } from './input.js';

/** Name of the adapter's Deployment, Service and ServiceAccount (upstream's), which its APIServices point at. */
export const PROMETHEUS_ADAPTER_NAME = 'prometheus-adapter';

/** Selects the adapter's pods: the labels upstream's manifests select on, so an adopted Deployment keeps its selector. */
export const selectorLabels = (input: Pick<PrometheusAdapterRenderInput, 'name'>): Record<string, string> => ({
  'app.kubernetes.io/component': 'metrics-adapter',
  'app.kubernetes.io/name': input.name,
});

/** Labels of every object and of the pod template. */
export const commonLabels = selectorLabels;
