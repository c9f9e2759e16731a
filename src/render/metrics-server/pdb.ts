/** Keeps one metrics-server pod up through voluntary disruptions (node drains), so metrics.k8s.io stays served. */
import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { MetricsServerRenderInput } from './input.js';
import { commonLabels, selectorLabels } from './labels.js';

/** A PodDisruptionBudget with minAvailable 1, or undefined for a single replica (it would block every drain). */
export function renderMetricsServerPodDisruptionBudget(input: MetricsServerRenderInput): V1PodDisruptionBudget | undefined {
  if (input.replicas < 2) return undefined;
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: input.name, namespace: input.namespace, labels: commonLabels(input) },
    spec: { minAvailable: 1, selector: { matchLabels: selectorLabels(input) } },
  };
}
