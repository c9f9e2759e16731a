/** Labels of the Cluster Autoscaler objects; ownership labels on the objects themselves are added by the Applier. */
import { ownershipLabels } from '../common/ownership.js';
import type { ClusterAutoscalerRenderInput } from './input.js';

/** Selects the Cluster Autoscaler pods (the upstream manifests' label). */
export const clusterAutoscalerSelector = (input: Pick<ClusterAutoscalerRenderInput, 'name'>): Record<string, string> => ({ app: input.name });

/** Labels of every object and of the pod template (with ownership, so the pods are label-selectable too). */
export const clusterAutoscalerLabels = (input: Pick<ClusterAutoscalerRenderInput, 'name' | 'owner'>): Record<string, string> => ({
  ...clusterAutoscalerSelector(input),
  'app.kubernetes.io/name': input.name,
  ...ownershipLabels(input.owner),
});
