/** The Service the APIService points at: 443 → the container port named `https`. */
import type { V1Service } from '@kubernetes/client-node';
import type { MetricsServerRenderInput } from './input.js';
import { commonLabels, selectorLabels } from './labels.js';
import { HTTPS_PORT_NAME } from './paths.js';

/** Port the Service (and so the APIService) uses; the pods may serve on another, see `securePort`. */
export const METRICS_SERVER_SERVICE_PORT = 443;

/** The metrics-server Service. */
export function renderMetricsServerService(input: MetricsServerRenderInput): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: input.name, namespace: input.namespace, labels: commonLabels(input) },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(input),
      ports: [{ name: HTTPS_PORT_NAME, port: METRICS_SERVER_SERVICE_PORT, protocol: 'TCP', targetPort: HTTPS_PORT_NAME }],
    },
  };
}
