/**
 * `--kubelet-insecure-tls` or `--kubelet-certificate-authority`: Auto predicts what verification would meet from the
 * inspected kubelet certificates. The decision names the CA to mount, so the Deployment mounts what the flag points at.
 */
import type { DefaultedMetricsStackSpec } from '../../../api/v1alpha1/defaults.js';
import type { KubeletCASource } from '../../../render/metrics-server/input.js';
import { KUBELET_CA_FILE } from '../../../render/metrics-server/paths.js';
import type { KubeletTLSFacts } from '../kubelet-tls/facts.js';
import type { FlagChoice } from './choice.js';

/** spec.metricsServer.kubeletTLS. */
export type KubeletTLSMode = DefaultedMetricsStackSpec['metricsServer']['kubeletTLS'];

/** What the kubelet TLS choice is made from. */
export interface KubeletTLSInput {
  readonly facts: KubeletTLSFacts;
  /** The address type metrics-server dials (see preferAddressTypes), named in the reasons. */
  readonly dialled: string;
  /** What Auto chose last time (from status), kept when the kubelets cannot be inspected this time. */
  readonly previous?: 'Verify' | 'Insecure' | undefined;
}

/** The TLS flag, why, and the CA bundle the Deployment must mount for it. */
export interface KubeletTLSDecision {
  readonly args: string[];
  readonly choice: FlagChoice;
  /** Mounted at KUBELET_CA_FILE, which `--kubelet-certificate-authority` names; undefined when nothing is mounted. */
  readonly kubeletCA: KubeletCASource | undefined;
}

// status reasons are capped at 1024 characters; an error quoted from a TLS handshake can be long.
const quote = (error: string) => (error.length > 300 ? `${error.slice(0, 299)}…` : error);

function verify(why: string, clusterCA: KubeletCASource | undefined): KubeletTLSDecision {
  if (!clusterCA) {
    const reason = `${why}, but no cluster CA bundle was found to mount, so metrics-server verifies kubelets with its service account's CA.`;
    return { args: [], choice: { flag: '--kubelet-insecure-tls', value: 'false', reason }, kubeletCA: undefined };
  }
  const reason = `${why}, so metrics-server verifies kubelet serving certificates against the cluster CA mounted at ${KUBELET_CA_FILE}.`;
  return {
    args: [`--kubelet-certificate-authority=${KUBELET_CA_FILE}`],
    choice: { flag: '--kubelet-certificate-authority', value: KUBELET_CA_FILE, reason },
    kubeletCA: clusterCA,
  };
}

const insecure = (reason: string): KubeletTLSDecision => ({
  args: ['--kubelet-insecure-tls'],
  choice: { flag: '--kubelet-insecure-tls', value: 'true', reason },
  kubeletCA: undefined,
});

/** Auto predicts what verification would meet; Go checks the name before the chain, so a name mismatch is what shows. */
export function decideKubeletTLS(mode: KubeletTLSMode, { facts, dialled, previous }: KubeletTLSInput): KubeletTLSDecision {
  if (mode === 'Verify') return verify('spec.metricsServer.kubeletTLS is Verify', facts.clusterCA);
  if (mode === 'Insecure') {
    return insecure('spec.metricsServer.kubeletTLS is Insecure, so metrics-server does not verify kubelet serving certificates.');
  }
  const certs = facts.certs;
  if (!certs || certs.inspected === 0) {
    const error = quote(certs?.sampleFetchError ?? 'no kubelet was inspected');
    // A transient failure (timeouts, a NetworkPolicy) must not flip the flags and roll the pods: keep what was decided.
    if (previous === 'Verify') return verify(`Could not inspect kubelet certificates now (${error}); Auto keeps its previous choice`, facts.clusterCA);
    if (previous === 'Insecure') {
      return insecure(`Could not inspect kubelet certificates now (${error}); Auto keeps its previous choice, --kubelet-insecure-tls.`);
    }
    return insecure(`Could not inspect kubelet certificates: ${error}; Auto uses --kubelet-insecure-tls until they can be checked.`);
  }
  const { inspected, signedCount, coveringCount, sampleError } = certs;
  const seen = sampleError ? ` (seen: ${quote(sampleError)})` : '';
  const unsigned = inspected - signedCount;
  const uncovered = inspected - coveringCount;
  if (uncovered > 0) {
    const alsoUnsigned = unsigned > 0 ? ` and ${unsigned} are not signed by the cluster CA` : '';
    return insecure(
      `${uncovered} of ${inspected} kubelet serving certificates do not name the node's ${dialled} address${alsoUnsigned}, ` +
        `so verifying would fail with "x509: certificate is valid for …, not …"${seen}; Auto uses --kubelet-insecure-tls.`,
    );
  }
  if (unsigned > 0) {
    return insecure(
      `${unsigned} of ${inspected} kubelet serving certificates are not signed by the cluster CA (kubelets without serverTLSBootstrap sign their own), ` +
        `so verifying would fail with "x509: certificate signed by unknown authority"${seen}; Auto uses --kubelet-insecure-tls.`,
    );
  }
  const why = `All ${inspected} kubelet serving certificates inspected are signed by the cluster CA and name the node's ${dialled} address`;
  return verify(why, facts.clusterCA);
}
