/** The Service the APIService points at: 443 → the container port named `https`. */
import type { V1Service } from '@kubernetes/client-node';
import { renderHttpsService } from '../common/extension-apiserver.js';
import type { MetricsServerRenderInput } from './input.js';
import { commonLabels, selectorLabels } from './labels.js';
import { HTTPS_PORT_NAME } from './paths.js';

/** Port the Service (and so the APIService) uses; the pods may serve on another, see `securePort`. */
export const METRICS_SERVER_SERVICE_PORT = 443;

/** The metrics-server Service. */
export const renderMetricsServerService = (input: MetricsServerRenderInput): V1Service =>
  renderHttpsService({
    name: input.name, namespace: input.namespace, labels: commonLabels(input), selector: selectorLabels(input),
    port: METRICS_SERVER_SERVICE_PORT, portName: HTTPS_PORT_NAME,
  });
