/**
 * The doctor's metrics-server rows: whoever serves metrics.k8s.io, judged by provider `existing`'s own assessment
 * (flags against the kubelets' certificates and address types, pods on Fargate), each fix in its maker's terms. What
 * cannot be judged from this machine (kubelets it cannot reach, Deployments it may not list) is said, not guessed.
 */
import type { V1APIService } from '@kubernetes/client-node';
import { apiMessage } from '../kube/errors.js';
import { assessExisting, type ExistingAssessment } from '../reconcilers/existing-metrics-server/assess.js';
import type { ExistingReads } from '../reconcilers/existing-metrics-server/observe.js';
import type { KubeletTLSFactsSource } from '../reconcilers/metrics-server/kubelet-tls/facts.js';
import type { PodPlacementKey } from '../reconcilers/fargate/profile-match.js';
import type { NodeFacts } from '../reconcilers/platform/node-facts.js';
import { describeMaker, fixIn, makerOf } from './installer-fix.js';
import type { ReportRow } from './report.js';

/** The rows, what was not checked, the facts for `-o json`, and metrics-server's pods as Fargate profiles see them. */
export interface MetricsServerCheck {
  readonly rows: ReportRow[];
  readonly unknown: string[];
  readonly details?: Record<string, unknown>;
  /** Namespace and pod-template labels; absent when no Deployment serves metrics.k8s.io. */
  readonly pods?: PodPlacementKey & { readonly annotations: Readonly<Record<string, string>> };
  /** Nodes its pods run on. */
  readonly podNodes: readonly string[];
}

/** Checks what serves `apiService` (undefined: nothing is registered, which each HPA's verdict already says). */
export async function checkMetricsServer(
  apiService: V1APIService | undefined, reads: ExistingReads, kubeletTLS: KubeletTLSFactsSource, facts: NodeFacts, cluster?: string,
): Promise<MetricsServerCheck> {
  if (!apiService?.spec?.service) return { rows: [], unknown: [], podNodes: [] };
  let a: ExistingAssessment;
  try {
    a = await assessExisting(apiService, reads, kubeletTLS, facts);
  } catch (err) {
    // A read your kubeconfig may not make (pods, the CA ConfigMap): the other checks still run.
    return { rows: [], unknown: [`metrics-server's configuration: ${apiMessage(err)}`], podNodes: [] };
  }
  const maker = makerOf(a.found.deployment, a.installer);
  const object = `deployment ${a.ref.namespace}/${a.ref.name}`;
  const rows = a.findings.map((f) => ({ object, cause: f.cause, message: f.problem, fix: fixIn(maker, f.change, a.ref, cluster ?? facts.clusterName) }));
  const template = a.found.deployment?.spec?.template?.metadata;
  return {
    rows,
    unknown: notChecked(a, apiService),
    details: { metricsServer: {
      servedBy: describeMaker(maker), ...(a.found.deployment && { deployment: `${a.ref.namespace}/${a.ref.name}` }),
      config: a.config, dialledAddressType: a.dialled, kubeletCertificates: a.kubeletTLS.certs ?? null, podNodes: a.found.podNodes,
    } },
    ...(template && { pods: { namespace: a.ref.namespace, labels: template.labels ?? {}, annotations: template.annotations ?? {} } }),
    podNodes: a.found.podNodes,
  };
}

/** What the assessment could not see, each with why. */
function notChecked(a: ExistingAssessment, apiService: V1APIService): string[] {
  const svc = `${apiService.spec?.service?.namespace}/${apiService.spec?.service?.name}`;
  if (a.found.readError) return [`metrics-server's configuration: ${a.found.readError}`];
  if (!a.found.deployment) return [`metrics-server's configuration: no Deployment's pods match Service ${svc} of ${apiService.metadata?.name}`];
  const certs = a.kubeletTLS.certs;
  if (a.config.insecureTLS || !certs) return [];
  const why = certs.sampleFetchError ?? `no node has ${/^[AEIOU]/.test(a.dialled) ? 'an' : 'a'} ${a.dialled} address to dial`;
  if (certs.inspected === 0) {
    return [`kubelet serving certificates (${why}): whether metrics-server can verify them is unknown from this machine; ` +
      `kubectl -n ${a.ref.namespace} logs deploy/${a.ref.name} shows any x509 error it meets`];
  }
  return certs.unreachable > 0 ? [`${certs.unreachable} of ${certs.inspected + certs.unreachable} sampled kubelets' certificates (${why})`] : [];
}
