/** GIVEN data shared by the flag tests: an EC2 cluster whose kubelets verify, and builders for what a case changes. */
import { withDefaults } from '../../../../../src/api/v1alpha1/index.js';
import type { MetricsServerSpec } from '../../../../../src/api/v1alpha1/index.js';
import { preferAddressTypes } from '../../../../../src/reconcilers/metrics-server/flags/address-types.js';
import { decideMetricsServerFlags, type ClusterFacts } from '../../../../../src/reconcilers/metrics-server/flags/args.js';
import { summarizeKubeletCerts, type KubeletCertSummary } from '../../../../../src/reconcilers/metrics-server/kubelet-tls/analyze.js';
import type { KubeletTLSFacts } from '../../../../../src/reconcilers/metrics-server/kubelet-tls/facts.js';

export const CA = '/etc/metrics-server/kubelet-ca/ca.crt';
/** The ConfigMap key every namespace gets from kube-controller-manager. */
export const CLUSTER_CA = { configMapName: 'kube-root-ca.crt', key: 'ca.crt' };
export const spec = (ms: MetricsServerSpec = {}) => withDefaults({ metricsServer: ms }).metricsServer;

/**
 * `inspected` kubelets on nodes ip-10-0-1-1, ip-10-0-1-2, …: the first `signed` chain to the cluster CA, the first
 * `covering` name the dialled address; each one that does not verify logs `error`, when given.
 */
export function certs(signed: number, covering: number, error?: string, inspected = 3): KubeletCertSummary {
  return summarizeKubeletCerts(
    Array.from({ length: inspected }, (_, i) => {
      const verifies = i < signed && i < covering;
      const facts = { signedByClusterCA: i < signed, coversAddress: i < covering, validFor: [], ...(!verifies && error && { error }) };
      return { node: `ip-10-0-1-${i + 1}`, facts };
    }),
  );
}

/** Sampled kubelets that could not be dialled at all, each failing with `error`. */
export const unreachable = (error: string, count = 1): KubeletCertSummary =>
  summarizeKubeletCerts(Array.from({ length: count }, (_, i) => ({ node: `ip-10-0-1-${i + 1}`, fetchError: error })));

/** The kubelet TLS facts of a cluster whose three sampled kubelets serve cluster-CA-signed certificates for their InternalIP. */
export const goodKubelets: KubeletTLSFacts = { clusterCA: CLUSTER_CA, certs: certs(3, 3) };

const EC2_ADDRESS_TYPES = ['InternalIP', 'Hostname', 'InternalDNS'];

/** An EC2-only cluster whose kubelets have cluster-CA-signed certificates naming their InternalIP. */
export const ec2Cluster: ClusterFacts = {
  fargateNodes: 0,
  eks: false,
  ec2Nodes: 3,
  addressTypes: preferAddressTypes(spec().kubeletPreferredAddressTypes, EC2_ADDRESS_TYPES),
  kubeletPortsFromNodeStatus: true,
  kubeletTLS: goodKubelets,
};

/** What a case changes from `ec2Cluster`: the address types the nodes report stand for the order decided from them. */
export type Given = Partial<Omit<ClusterFacts, 'addressTypes' | 'kubeletTLS'>> & {
  readonly nodeAddressTypes?: string[];
  readonly kubeletTLS?: Partial<KubeletTLSFacts>;
};

/** decideMetricsServerFlags as the backend calls it: the address order is decided first, from the spec and the nodes. */
export function decide(ms: MetricsServerSpec | undefined, { nodeAddressTypes = EC2_ADDRESS_TYPES, kubeletTLS, ...cluster }: Given = {}) {
  const s = spec(ms);
  return decideMetricsServerFlags(s, {
    ...ec2Cluster,
    ...cluster,
    addressTypes: preferAddressTypes(s.kubeletPreferredAddressTypes, nodeAddressTypes),
    kubeletTLS: { ...goodKubelets, ...kubeletTLS },
  });
}
