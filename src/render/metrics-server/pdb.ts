/** Keeps one metrics-server pod up through voluntary disruptions (node drains), so metrics.k8s.io stays served. */
import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import { renderServerPodDisruptionBudget } from '../common/extension-apiserver.js';
import type { MetricsServerRenderInput } from './input.js';
import { commonLabels, selectorLabels } from './labels.js';

/** A PodDisruptionBudget with minAvailable 1, or undefined for a single replica (it would block every drain). */
export const renderMetricsServerPodDisruptionBudget = (input: MetricsServerRenderInput): V1PodDisruptionBudget | undefined =>
  renderServerPodDisruptionBudget({
    name: input.name, namespace: input.namespace, labels: commonLabels(input), replicas: input.replicas, selector: selectorLabels(input),
  });
