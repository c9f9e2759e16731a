/**
 * What serves metrics.k8s.io, who installed it, and what is wrong with its configuration for this cluster: the one
 * assessment both provider `existing` and `kubectl metricsstack doctor` make, so the two never disagree.
 */
import type { V1APIService, V1Deployment } from '@kubernetes/client-node';
import type { KubeletTLSFacts, KubeletTLSFactsSource } from '../metrics-server/kubelet-tls/facts.js';
import type { NodeFacts } from '../platform/node-facts.js';
import { diagnoseExisting, dialledBy, parseExistingArgs, type ExistingConfig, type Finding } from './diagnose.js';
import type { DeploymentRef } from './fixes.js';
import { identifyInstaller, type Installer } from './installer.js';
import { observeExisting, type ExistingObjects, type ExistingReads } from './observe.js';

/** The assessment: what was found, how it is configured, the kubelet facts it was judged against, and the findings. */
export interface ExistingAssessment {
  readonly found: ExistingObjects;
  readonly installer: Installer;
  readonly config: ExistingConfig;
  /** The Deployment (or, when none was found, where it would be). */
  readonly ref: DeploymentRef;
  /** The address type metrics-server dials, at which the kubelets were inspected. */
  readonly dialled: string;
  readonly kubeletTLS: KubeletTLSFacts;
  /** Empty when no Deployment was found: there is no configuration to judge. */
  readonly findings: readonly Finding[];
}

/** The metrics-server container (by name, else the first): its command and args are what the diagnosis reads. */
export function metricsServerArgs(deployment: V1Deployment | undefined): string[] {
  const containers = deployment?.spec?.template?.spec?.containers;
  const container = containers?.find((c) => c.name === 'metrics-server') ?? containers?.[0];
  return [...(container?.command ?? []), ...(container?.args ?? [])];
}

/** Reads what serves `apiService`, inspects kubelets the way its flags make it dial them, and diagnoses it. */
export async function assessExisting(
  apiService: V1APIService | undefined, reads: ExistingReads, kubeletTLSSource: KubeletTLSFactsSource, facts: NodeFacts,
): Promise<ExistingAssessment> {
  const found = await observeExisting(apiService, reads);
  const installer = identifyInstaller([found.deployment, apiService]);
  const config = parseExistingArgs(metricsServerArgs(found.deployment));
  const ref = { namespace: found.deployment?.metadata?.namespace ?? 'kube-system', name: found.deployment?.metadata?.name ?? 'metrics-server' };
  const dialled = dialledBy(config, facts.nodeAddressTypes);
  const kubeletTLS = await kubeletTLSSource.get(ref.namespace, facts.samples, dialled, !config.insecureTLS);
  const fargate = new Set(facts.nodes.filter((n) => n.fargate).map((n) => n.name));
  const findings = found.deployment
    ? diagnoseExisting(config, {
      nodeAddressTypes: facts.nodeAddressTypes, fargateNodes: facts.fargateNodes, kubeletTLS,
      podsOnFargate: found.podNodes.filter((n) => fargate.has(n)),
    })
    : [];
  return { found, installer, config, ref, dialled, kubeletTLS, findings };
}
