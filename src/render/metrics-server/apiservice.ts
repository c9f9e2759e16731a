/** The APIService that makes the apiserver proxy metrics.k8s.io to metrics-server. */
import type { V1APIService, V1APIServiceSpec } from '@kubernetes/client-node';
import type { MetricsServerRenderInput } from './input.js';
import { commonLabels } from './labels.js';
import { METRICS_SERVER_SERVICE_PORT } from './service.js';

/** Name of the APIService: `<version>.<group>`, as every metrics-server install names it. */
export const METRICS_API_SERVICE_NAME = 'v1beta1.metrics.k8s.io';

/**
 * `v1beta1.metrics.k8s.io`. It carries either the CA bundle that verifies metrics-server's serving certificate or,
 * only when the user asks, `insecureSkipTLSVerify` — never both, which the apiserver rejects.
 */
export function renderMetricsServerAPIService(input: MetricsServerRenderInput): V1APIService {
  const trust: Pick<V1APIServiceSpec, 'caBundle' | 'insecureSkipTLSVerify'> = input.insecureSkipTLSVerify
    ? { insecureSkipTLSVerify: true }
    : input.caBundle !== undefined
      ? { caBundle: input.caBundle }
      : {};
  return {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: METRICS_API_SERVICE_NAME, labels: commonLabels(input) },
    spec: {
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      service: { name: input.name, namespace: input.namespace, port: METRICS_SERVER_SERVICE_PORT },
      ...trust,
      groupPriorityMinimum: 100,
      versionPriority: 100,
    },
  };
}
