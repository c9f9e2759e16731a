/**
 * Labels every metrics-server object and its pod template carry. The Applier adds the ownership labels to the objects
 * themselves; the pod template gets them here, so the pods are label-selectable too (the Fargate verifier watches
 * them by `app.kubernetes.io/managed-by`, never all pods of the cluster).
 */
import { ownershipLabels } from '../common/ownership.js';
import type { MetricsServerRenderInput } from './input.js';

/** Name of metrics-server's Deployment, Service and ServiceAccount (upstream's), and of its pods' selector label. */
export const METRICS_SERVER_NAME = 'metrics-server';

/** Selects the metrics-server pods: the label upstream's manifests select on, so an adopted Deployment keeps its selector. */
export const selectorLabels = (input: Pick<MetricsServerRenderInput, 'name'>): Record<string, string> => ({ 'k8s-app': input.name });

/** Labels of every object and of the pod template, with the ownership labels when the owning stack is known. */
export const commonLabels = (input: Pick<MetricsServerRenderInput, 'name' | 'owner'>): Record<string, string> => ({
  ...selectorLabels(input),
  'app.kubernetes.io/name': input.name,
  ...(input.owner !== undefined && ownershipLabels(input.owner)),
});
