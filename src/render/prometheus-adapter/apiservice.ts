/** The APIServices that make the apiserver proxy the metrics APIs to prometheus-adapter. */
import type { V1APIService } from '@kubernetes/client-node';
import { servedAPIs } from './config.js';
import type { PrometheusAdapterRenderInput } from './input.js';
import { commonLabels } from './labels.js';
import { ADAPTER_SERVICE_PORT } from './paths.js';

/** `<version>.<group>` of each API the adapter can serve, as every install names them. */
export const CUSTOM_METRICS_API_SERVICES = ['v1beta1.custom.metrics.k8s.io', 'v1beta2.custom.metrics.k8s.io'] as const;
export const EXTERNAL_METRICS_API_SERVICE = 'v1beta1.external.metrics.k8s.io';
export const RESOURCE_METRICS_API_SERVICE = 'v1beta1.metrics.k8s.io';

/** The APIService names for what the configuration serves, in apply order. */
export function adapterAPIServiceNames(input: Pick<PrometheusAdapterRenderInput, 'config'>): string[] {
  const served = servedAPIs(input.config);
  return [
    ...(served.custom ? CUSTOM_METRICS_API_SERVICES : []),
    ...(served.external ? [EXTERNAL_METRICS_API_SERVICE] : []),
    ...(served.resource ? [RESOURCE_METRICS_API_SERVICE] : []),
  ];
}

// v1beta2 of custom metrics is preferred over v1beta1 (a higher versionPriority), as the adapter serves both.
const VERSION_PRIORITY: Record<string, number> = { 'v1beta2.custom.metrics.k8s.io': 200 };

/** One APIService, trusting the operator-issued CA (never insecureSkipTLSVerify, unlike upstream's manifests). */
export function renderPrometheusAdapterAPIService(input: PrometheusAdapterRenderInput, name: string): V1APIService {
  const [version = '', ...group] = name.split('.');
  return {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name, labels: commonLabels(input) },
    spec: {
      group: group.join('.'),
      version,
      service: { name: input.name, namespace: input.namespace, port: ADAPTER_SERVICE_PORT },
      caBundle: input.caBundle,
      groupPriorityMinimum: 100,
      versionPriority: VERSION_PRIORITY[name] ?? 100,
    },
  };
}
