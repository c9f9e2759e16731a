/** Labels every metrics-server object carries; ownership labels are added by the Applier, not here. */
import type { MetricsServerRenderInput } from './input.js';

/** Selects the metrics-server pods: the label upstream's manifests select on, so an adopted Deployment keeps its selector. */
export const selectorLabels = (input: MetricsServerRenderInput): Record<string, string> => ({ 'k8s-app': input.name });

/** Labels of every object and of the pod template. */
export const commonLabels = (input: MetricsServerRenderInput): Record<string, string> => ({
  ...selectorLabels(input),
  'app.kubernetes.io/name': input.name,
});
