/**
 * `--kubelet-insecure-tls` or `--kubelet-certificate-authority`: Auto predicts what verification would meet from the
 * inspected kubelet certificates. The decision names the CA to mount, so the Deployment mounts what the flag points at.
 */
import type { DefaultedMetricsStackSpec } from '../../../api/v1alpha1/defaults.js';
import type { KubeletCASource } from '../../../render/metrics-server/input.js';
import { KUBELET_CA_FILE } from '../../../render/metrics-server/paths.js';
import type { KubeletCertSummary } from '../kubelet-tls/analyze.js';
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

// Status reasons are capped at 1024 characters; errors quoted from a TLS handshake and node names can be long.
const MAX_REASON = 1000;
const quote = (text: string, max = 300) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
/** The first five node names, then how many more: the reason says which nodes, within its length cap. */
export const nodeList = (nodes: readonly string[]) =>
  nodes.slice(0, 5).map((n) => quote(n, 63)).join(', ') + (nodes.length > 5 ? ` and ${nodes.length - 5} more` : '');

const INSPECT_FIX =
  'set spec.metricsServer.kubeletTLS to Insecure if kubelets sign their own certificates (scrapes then fail with ' +
  '"x509: certificate signed by unknown authority"), or to Verify to verify whatever an inspection finds';
const INSECURE_FIX =
  'Auto verifies again once those kubelets serve cluster-CA-signed certificates naming their address (serverTLSBootstrap); ' +
  'set spec.metricsServer.kubeletTLS to Insecure to make this explicit';

/** `why`, then what metrics-server verifies against, then `then` (a clause starting with "; ", or nothing). */
function verify(why: string, clusterCA: KubeletCASource | undefined, then = ''): KubeletTLSDecision {
  if (!clusterCA) {
    const reason = `${why}, but no cluster CA bundle was found to mount, so metrics-server verifies kubelets with its service account's CA${then}.`;
    return { args: [], choice: { flag: '--kubelet-insecure-tls', value: 'false', reason }, kubeletCA: undefined };
  }
  const reason = `${why}, so metrics-server verifies kubelet serving certificates against the cluster CA mounted at ${KUBELET_CA_FILE}${then}.`;
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

/**
 * No certificate was read: Auto has no evidence, so it keeps what it chose before (a transient failure must not flip
 * the flags and roll the pods) or, with nothing before, verifies. Failing open here would let a NetworkPolicy, or the
 * operator running on Fargate, switch verification off for the whole cluster.
 */
function uninspected(
  certs: KubeletCertSummary | undefined,
  dialled: string,
  previous: KubeletTLSInput['previous'],
  clusterCA: KubeletCASource | undefined,
): KubeletTLSDecision {
  const article = /^[AEIOU]/.test(dialled) ? 'an' : 'a';
  const error = !certs ? 'no kubelet was inspected'
    : certs.unreachable === 0 ? `no node metrics-server scrapes has ${article} ${dialled} address to dial`
      : quote(certs.sampleFetchError ?? 'no kubelet answered');
  const many = certs && certs.unreachable > 1 ? ` on any of the ${plural(certs.unreachable, 'sampled kubelet')}` : '';
  const lead = `Could not inspect kubelet certificates${previous ? ' now' : ''} (${error})${many}`;
  if (previous === 'Verify') return verify(`${lead}; Auto keeps its previous choice`, clusterCA, `; ${INSPECT_FIX}`);
  if (previous === 'Insecure') {
    return insecure(
      `${lead}; Auto keeps its previous choice, --kubelet-insecure-tls; ` +
        'set spec.metricsServer.kubeletTLS to Insecure to keep it without inspecting, or to Verify to turn verification on.',
    );
  }
  return verify(`${lead}; Auto does not turn verification off without evidence`, clusterCA, `; ${INSPECT_FIX}`);
}

/** Auto predicts what verification would meet; Go checks the name before the chain, so a name mismatch is what shows. */
export function decideKubeletTLS(mode: KubeletTLSMode, { facts, dialled, previous }: KubeletTLSInput): KubeletTLSDecision {
  if (mode === 'Verify') return verify('spec.metricsServer.kubeletTLS is Verify', facts.clusterCA);
  if (mode === 'Insecure') {
    return insecure('spec.metricsServer.kubeletTLS is Insecure, so metrics-server does not verify kubelet serving certificates.');
  }
  const certs = facts.certs;
  if (!certs || certs.inspected === 0) return uninspected(certs, dialled, previous, facts.clusterCA);
  const { inspected, signedCount, coveringCount, sampleError, rejectedNodes = [] } = certs;
  const unread = certs.unreachable > 0
    ? `; ${plural(certs.unreachable, 'more sampled kubelet')} could not be inspected (${quote(certs.sampleFetchError ?? '', 100)})`
    : '';
  const unsigned = inspected - signedCount;
  const uncovered = inspected - coveringCount;
  if (uncovered === 0 && unsigned === 0) {
    const why = `All ${inspected} kubelet serving certificates inspected are signed by the cluster CA and name the node's ${dialled} address${unread}`;
    return verify(why, facts.clusterCA);
  }
  const prediction = uncovered > 0
    ? `${uncovered} of ${inspected} kubelet serving certificates do not name the node's ${dialled} address` +
      `${unsigned > 0 ? ` and ${unsigned} are not signed by the cluster CA` : ''}, so verifying would fail with "x509: certificate is valid for …, not …"`
    : `${unsigned} of ${inspected} kubelet serving certificates are not signed by the cluster CA (kubelets without serverTLSBootstrap sign their own), ` +
      'so verifying would fail with "x509: certificate signed by unknown authority"';
  const blame = `; Auto uses --kubelet-insecure-tls for the whole cluster because of the ${rejectedNodes.length === 1 ? 'kubelet' : 'kubelets'} on ` +
    `${nodeList(rejectedNodes)}${unread}; ${INSECURE_FIX}.`;
  // The x509 error seen gets the room the rest leaves: the reason must say which nodes, the error only illustrates.
  const room = MAX_REASON - prediction.length - blame.length - ' (seen: )'.length;
  const seen = sampleError ? ` (seen: ${quote(sampleError, Math.min(300, Math.max(room, 40)))})` : '';
  return insecure(`${prediction}${seen}${blame}`);
}
