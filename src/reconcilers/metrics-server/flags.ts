/**
 * Seed 004: metrics-server's flags depend on what the cluster is. Each flag is decided here from observed facts, with
 * a one-sentence reason the user reads in status.metricsServer.flags, so a kubelet x509 failure is predicted, not met.
 */
import type { DefaultedMetricsStackSpec } from '../../api/v1alpha1/defaults.js';
import { NODE_ADDRESS_TYPES } from '../../api/v1alpha1/schema-metrics-server.js';
import { KUBELET_CA_FILE, TMP_DIR } from '../../render/metrics-server/paths.js';

/** What the operator learnt by fetching kubelets' serving certificates. */
export interface KubeletCertFacts {
  /** Kubelets whose serving certificate was fetched. */
  readonly inspected: number;
  /** Of those, how many chain to the cluster CA. */
  readonly signedByClusterCA: number;
  /** Of those, how many name (in their SANs) the node's address of the first type {@link preferAddressTypes} picks. */
  readonly coverAddressType: number;
  /** One error met while inspecting, quoted to the user. */
  readonly sampleError?: string | undefined;
}

/** What the cluster is, as far as metrics-server's flags care. */
export interface ClusterFacts {
  readonly fargateNodes: number;
  readonly ec2Nodes: number;
  /** What Auto chose last time (from status), kept when the kubelets cannot be inspected this time. */
  readonly previousKubeletTLS?: 'Verify' | 'Insecure' | undefined;
  /** EKS (by providerID or EKS labels): the secure port follows the platform, not the moment's Fargate node count. */
  readonly eks: boolean;
  /** Address types the nodes report in status.addresses, e.g. InternalIP, Hostname. */
  readonly nodeAddressTypes: readonly string[];
  /** Nodes report status.daemonEndpoints.kubeletEndpoint.Port (non-zero, or other than 10250). */
  readonly kubeletPortsFromNodeStatus: boolean;
  /** Undefined when the certificates were not inspected. */
  readonly kubeletCerts: KubeletCertFacts | undefined;
  /** A cluster CA bundle exists to mount for `--kubelet-certificate-authority` (e.g. ConfigMap kube-root-ca.crt). */
  readonly clusterCABundlePresent: boolean;
}

/** One decided flag, as recorded in status; boolean flags have value `true` or `false`. */
export interface FlagChoice {
  readonly flag: string;
  readonly value: string;
  readonly reason: string;
}

/** Container args, the port they make metrics-server serve on, and why each flag is what it is. */
export interface MetricsServerFlags {
  readonly args: string[];
  readonly securePort: number;
  readonly choices: FlagChoice[];
}

/** EKS reserves 10250 on Fargate; AWS's own metrics-server add-on serves on 10251. */
export const FARGATE_SECURE_PORT = 10251;
/** The chart's port, where nothing reserves it. */
export const DEFAULT_SECURE_PORT = 10250;

type MetricsServerSpec = DefaultedMetricsStackSpec['metricsServer'];
const list = (types: readonly string[]) => types.join(',');
// status reasons are capped at 1024 characters; an error quoted from a TLS handshake can be long.
const quote = (error: string) => (error.length > 300 ? `${error.slice(0, 299)}…` : error);

/**
 * Orders `preferred` so that its first type is one the nodes report: that is the type metrics-server will really use
 * (it skips types a node lacks), hence the one whose SANs the kubelet certificates must cover. The spec's order is kept
 * when its first type is already reported.
 */
export function preferAddressTypes(preferred: readonly string[], reported: readonly string[]): { types: string[]; reason: string } {
  const usable: string[] = NODE_ADDRESS_TYPES.filter((t) => reported.includes(t));
  const had = preferred.filter((t) => usable.includes(t));
  const lacked = preferred.filter((t) => !usable.includes(t));
  const spec = `spec.metricsServer.kubeletPreferredAddressTypes (${list(preferred)})`;
  if (usable.length === 0) {
    return { types: [...preferred], reason: `No node reports an address yet, so the order of ${spec} is kept.` };
  }
  if (had.length === 0) {
    const types = [...usable, ...preferred];
    const reason = `Nodes report only ${list(usable)}, none of ${spec}, so ${list(usable)} go first; otherwise metrics-server would find no address to scrape.`;
    return { types, reason };
  }
  const first = `Nodes report ${list(usable)}, so metrics-server reaches kubelets by ${had[0]}, the first preferred type they have`;
  if (had[0] === preferred[0]) return { types: [...preferred], reason: `${first}.` };
  return { types: [...had, ...lacked], reason: `${first}, and ${list(lacked)}, which no node reports, move last.` };
}

function verify(why: string, facts: ClusterFacts): { args: string[]; choice: FlagChoice } {
  if (!facts.clusterCABundlePresent) {
    const reason = `${why}, but no cluster CA bundle was found to mount, so metrics-server verifies kubelets with its service account's CA.`;
    return { args: [], choice: { flag: '--kubelet-insecure-tls', value: 'false', reason } };
  }
  const reason = `${why}, so metrics-server verifies kubelet serving certificates against the cluster CA mounted at ${KUBELET_CA_FILE}.`;
  return {
    args: [`--kubelet-certificate-authority=${KUBELET_CA_FILE}`],
    choice: { flag: '--kubelet-certificate-authority', value: KUBELET_CA_FILE, reason },
  };
}

const insecure = (reason: string) => ({ args: ['--kubelet-insecure-tls'], choice: { flag: '--kubelet-insecure-tls', value: 'true', reason } });

/** Auto predicts what verification would meet; Go checks the name before the chain, so a name mismatch is what shows. */
function kubeletTLS(spec: MetricsServerSpec, facts: ClusterFacts, addressType: string): { args: string[]; choice: FlagChoice } {
  if (spec.kubeletTLS === 'Verify') return verify('spec.metricsServer.kubeletTLS is Verify', facts);
  if (spec.kubeletTLS === 'Insecure') {
    return insecure('spec.metricsServer.kubeletTLS is Insecure, so metrics-server does not verify kubelet serving certificates.');
  }
  const certs = facts.kubeletCerts;
  if (!certs || certs.inspected === 0) {
    const error = quote(certs?.sampleError ?? 'no kubelet was inspected');
    // A transient failure (timeouts, a NetworkPolicy) must not flip the flags and roll the pods: keep what was decided.
    if (facts.previousKubeletTLS === 'Verify') return verify(`Could not inspect kubelet certificates now (${error}); Auto keeps its previous choice`, facts);
    if (facts.previousKubeletTLS === 'Insecure') return insecure(`Could not inspect kubelet certificates now (${error}); Auto keeps its previous choice, --kubelet-insecure-tls.`);
    return insecure(`Could not inspect kubelet certificates: ${error}; Auto uses --kubelet-insecure-tls until they can be checked.`);
  }
  const { inspected, signedByClusterCA, coverAddressType, sampleError } = certs;
  const seen = sampleError ? ` (seen: ${quote(sampleError)})` : '';
  const unsigned = inspected - signedByClusterCA;
  const uncovered = inspected - coverAddressType;
  if (uncovered > 0) {
    const alsoUnsigned = unsigned > 0 ? ` and ${unsigned} are not signed by the cluster CA` : '';
    return insecure(
      `${uncovered} of ${inspected} kubelet serving certificates do not name the node's ${addressType} address${alsoUnsigned}, so verifying would fail with "x509: certificate is valid for …, not …"${seen}; Auto uses --kubelet-insecure-tls.`,
    );
  }
  if (unsigned > 0) {
    return insecure(
      `${unsigned} of ${inspected} kubelet serving certificates are not signed by the cluster CA (kubelets without serverTLSBootstrap sign their own), so verifying would fail with "x509: certificate signed by unknown authority"${seen}; Auto uses --kubelet-insecure-tls.`,
    );
  }
  return verify(`All ${inspected} kubelet serving certificates inspected are signed by the cluster CA and name the node's ${addressType} address`, facts);
}

/** metrics-server's container args from the spec and the facts, each with the reason it was chosen. */
export function decideMetricsServerFlags(spec: MetricsServerSpec, facts: ClusterFacts): MetricsServerFlags {
  // On EKS always 10251: keyed on the Fargate node count, the port would flip (and roll the pods) as Fargate pods
  // come and go. Off EKS nothing reserves 10250.
  const onEks = facts.eks || facts.fargateNodes > 0;
  const securePort = onEks ? FARGATE_SECURE_PORT : DEFAULT_SECURE_PORT;
  const address = preferAddressTypes(spec.kubeletPreferredAddressTypes, facts.nodeAddressTypes);
  const tls = kubeletTLS(spec, facts, address.types[0] ?? 'InternalIP');
  const usePort = facts.kubeletPortsFromNodeStatus;
  const choices: FlagChoice[] = [
    { flag: '--cert-dir', value: TMP_DIR, reason: `metrics-server writes a self-signed serving certificate to ${TMP_DIR}, its only writable directory, unless the operator mounts one (then --tls-cert-file replaces this flag).` },
    {
      flag: '--secure-port',
      value: String(securePort),
      reason: onEks
        ? `This is EKS (${facts.fargateNodes} Fargate node${facts.fargateNodes === 1 ? '' : 's'} now), where Fargate nodes reserve port 10250, so metrics-server serves on ${FARGATE_SECURE_PORT} as AWS's own metrics-server add-on does, whether or not Fargate pods run at the moment.`
        : `Not EKS: nothing reserves port 10250, so metrics-server serves on it as the upstream chart does.`,
    },
    { flag: '--kubelet-preferred-address-types', value: list(address.types), reason: address.reason },
    {
      flag: '--kubelet-use-node-status-port',
      value: String(usePort),
      reason: usePort
        ? 'Nodes report their kubelet port in status.daemonEndpoints.kubeletEndpoint, so metrics-server uses it instead of assuming 10250.'
        : 'Nodes do not report a kubelet port in status.daemonEndpoints, so metrics-server uses the default 10250.',
    },
    { flag: '--metric-resolution', value: spec.metricResolution, reason: `spec.metricsServer.metricResolution makes metrics-server scrape every kubelet every ${spec.metricResolution}.` },
    tls.choice,
  ];
  const args = [
    `--cert-dir=${TMP_DIR}`,
    `--secure-port=${securePort}`,
    `--kubelet-preferred-address-types=${list(address.types)}`,
    ...(usePort ? ['--kubelet-use-node-status-port'] : []),
    `--metric-resolution=${spec.metricResolution}`,
    ...tls.args,
  ];
  return { args, securePort, choices };
}
