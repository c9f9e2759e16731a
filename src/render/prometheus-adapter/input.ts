/**
 * What the prometheus-adapter renderers need: plain data, decided elsewhere (the serving certificate by
 * ensureServingCert, the adapter configuration from the spec's rules by adapterConfigFrom).
 */
import type { AdapterConfig } from './config.js';

/** Everything `renderPrometheusAdapter` turns into objects. */
export interface PrometheusAdapterRenderInput {
  /** Name of the Deployment, Service and ServiceAccount (`prometheus-adapter`); the other names derive from it. */
  readonly name: string;
  /** Namespace the adapter runs in. */
  readonly namespace: string;
  /** Pod count: 2 or more adds topology spread and a PodDisruptionBudget. */
  readonly replicas: number;
  /** Container image. */
  readonly image: string;
  /** `--prometheus-url`. */
  readonly prometheusURL: string;
  /** `--metrics-relist-interval`, a Go duration. */
  readonly metricsRelistInterval: string;
  /** Port the adapter serves HTTPS on (the container port named `https`). */
  readonly securePort: number;
  /** Secret of type kubernetes.io/tls with the operator-issued serving certificate. */
  readonly servingCertSecretName: string;
  /** PEM of the serving certificate; its hash goes on the pod template so a rotation rolls the pods. */
  readonly servingCertPEM: string;
  /** Base64 of the PEM CA that signed the serving certificate, for the APIServices. */
  readonly caBundle: string;
  /** The adapter's configuration file; which APIs are served follows from it (see servedAPIs). */
  readonly config: AdapterConfig;
}
