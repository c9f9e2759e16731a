/**
 * What the metrics-server renderers need: plain data, decided elsewhere (flags by decideMetricsServerFlags, the
 * serving certificate by the certificate reconciler, placement by the Fargate reconciler).
 */
import type { DefaultedMetricsStackSpec } from '../../api/v1alpha1/defaults.js';

/** Compute resources of the metrics-server container, as in the defaulted spec. */
export type MetricsServerResources = DefaultedMetricsStackSpec['metricsServer']['resources'];

/** A ConfigMap key holding the CA that signed the kubelets' serving certificates. */
export interface KubeletCASource {
  /** ConfigMap in the metrics-server namespace, e.g. `kube-root-ca.crt` (the cluster CA every namespace gets). */
  readonly configMapName: string;
  /** Key of the PEM bundle in that ConfigMap, e.g. `ca.crt`. */
  readonly key: string;
}

/** Where the metrics-server pods may run; both are off unless the Fargate reconciler asks. */
export interface MetricsServerPlacement {
  /** Add the pod annotation `eks.amazonaws.com/compute-type: ec2` (best effort; placement is verified elsewhere). */
  readonly annotateEC2: boolean;
  /** Require nodes whose `eks.amazonaws.com/compute-type` label is not `fargate`. */
  readonly avoidFargateAffinity: boolean;
}

/** Everything `renderMetricsServer` turns into objects. */
export interface MetricsServerRenderInput {
  /** Name of the Deployment, Service and ServiceAccount (`metrics-server`); RBAC names derive from it. */
  readonly name: string;
  /** Namespace metrics-server runs in. */
  readonly namespace: string;
  /** Pod count: 2 or more adds topology spread and a PodDisruptionBudget. */
  readonly replicas: number;
  /** Container image. */
  readonly image: string;
  /** Container resources. */
  readonly resources: MetricsServerResources;
  /** Container args, from decideMetricsServerFlags; `--cert-dir` is replaced when a serving certificate is given. */
  readonly args: readonly string[];
  /** Port metrics-server serves HTTPS on (the container port named `https`). */
  readonly securePort: number;
  /** Secret of type kubernetes.io/tls with the serving certificate; absent: metrics-server signs its own in /tmp. */
  readonly servingCertSecretName?: string | undefined;
  /** PEM of the serving certificate; its hash goes on the pod template so a rotation rolls the pods. */
  readonly servingCertPEM?: string | undefined;
  /** Base64 of the PEM CA that signed the serving certificate, for the APIService. */
  readonly caBundle?: string | undefined;
  /** Let the apiserver skip verifying metrics-server (only when the user asks); wins over caBundle. */
  readonly insecureSkipTLSVerify: boolean;
  /** Mounted at `KUBELET_CA_FILE`, which `--kubelet-certificate-authority` in `args` names: the flag decision's `kubeletCA`. */
  readonly kubeletCASource?: KubeletCASource | undefined;
  /** Fargate avoidance. */
  readonly placement: MetricsServerPlacement;
  /** The owning MetricsStack: its ownership labels go on the pod template too, so the pods can be watched by label. */
  readonly owner?: string | undefined;
}
