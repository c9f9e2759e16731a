/** The Service the APIServices point at, and the ConfigMap holding the adapter's configuration file. */
import type { V1ConfigMap, V1Service } from '@kubernetes/client-node';
import { renderHttpsService } from '../common/extension-apiserver.js';
import { renderAdapterConfigFile } from './config.js';
import type { PrometheusAdapterRenderInput } from './input.js';
import { commonLabels, selectorLabels } from './labels.js';
import { ADAPTER_SERVICE_PORT, CONFIG_KEY, HTTPS_PORT_NAME } from './paths.js';

/** Name of the ConfigMap with the adapter's configuration file. */
export const configMapName = (input: Pick<PrometheusAdapterRenderInput, 'name'>): string => `${input.name}-config`;

/** The prometheus-adapter Service: 443 → the container port named `https`. */
export const renderPrometheusAdapterService = (input: PrometheusAdapterRenderInput): V1Service =>
  renderHttpsService({
    name: input.name, namespace: input.namespace, labels: commonLabels(input), selector: selectorLabels(input),
    port: ADAPTER_SERVICE_PORT, portName: HTTPS_PORT_NAME,
  });

/** The ConfigMap with `config.yaml`, rendered from the spec's rules. */
export function renderPrometheusAdapterConfigMap(input: PrometheusAdapterRenderInput): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: configMapName(input), namespace: input.namespace, labels: commonLabels(input) },
    data: { [CONFIG_KEY]: renderAdapterConfigFile(input.config) },
  };
}
