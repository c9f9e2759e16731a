/**
 * The plugin's ctx.unscrapedNodes: which nodes metrics.k8s.io has no metrics for and why, decided by the same code the
 * operator's metrics-server backends run in verify (unscrapedNodes → missingNodeReasons, kubelet certificates read as
 * the existing provider reads them), so plugin and operator name the same nodes for PodsOnUnreachableNodes.
 * Read-only: lists, one ConfigMap read and a TLS handshake with a few kubelets (nothing is sent to them).
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { KubeClient } from '../kube/client.js';
import { listNodeMetrics } from '../kube/api-probes.js';
import { unscrapedNodes } from '../reconcilers/backends/metrics-api-decision.js';
import { dialledBy, parseExistingArgs } from '../reconcilers/existing-metrics-server/diagnose.js';
import type { KubeletTLSFactsSource} from '../reconcilers/metrics-server/kubelet-tls/facts.js';
import { type KubeletTLSFacts } from '../reconcilers/metrics-server/kubelet-tls/facts.js';
import type { NodeFacts } from '../reconcilers/platform/node-facts.js';
import { tlsCoverage } from '../reconcilers/backends/node-coverage.js';

export interface NodeReach {
  /** Fargate nodes that run a metrics-server pod. */
  readonly ownFargateNodes: string[];
  /** undefined: the node metrics could not be listed, so nothing is known. */
  readonly unreachable: ReadonlyMap<string, string> | undefined;
}

/** From metrics-server's pods (k8s-app=metrics-server, whoever installed them), the nodes and the node metrics list. */
/**
 * `facts`: the nodes the plugin already listed; `source`: its one kubelet TLS source, whose cache keeps certificates the
 * metrics-server check already inspected from being dialled again.
 */
export async function readNodeReach(client: KubeClient, msPods: readonly V1Pod[], facts: NodeFacts, source: KubeletTLSFactsSource): Promise<NodeReach> {
  const msNodes = [...new Set(msPods.map((p) => p.spec?.nodeName ?? '').filter((n) => n !== ''))].sort();
  const fargate = new Set(facts.nodes.filter((n) => n.fargate).map((n) => n.name));
  const pod = msPods.find((p) => p.status?.phase === 'Running') ?? msPods[0];
  const container = pod?.spec?.containers.find((c) => c.name === 'metrics-server') ?? pod?.spec?.containers[0];
  const config = parseExistingArgs([...(container?.command ?? []), ...(container?.args ?? [])]);
  let kubeletTLS: KubeletTLSFacts = { clusterCA: undefined, certs: undefined };
  try {
    kubeletTLS = await source.get(pod?.metadata?.namespace ?? 'kube-system', facts.samples, dialledBy(config, facts.nodeAddressTypes), !config.insecureTLS);
  } catch {
    // The cluster CA not readable with this kubeconfig: x509 cannot be told apart, the nodes are still named.
  }
  const coverage = { ...tlsCoverage(kubeletTLS.certs), insecureTLS: config.insecureTLS, metricsServerNodes: msNodes };
  return {
    ownFargateNodes: msNodes.filter((n) => fargate.has(n)),
    unreachable: unscrapedNodes(await listNodeMetrics(client), { nodes: facts.nodes, facts: coverage }),
  };
}
