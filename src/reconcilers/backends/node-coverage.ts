/** Which nodes metrics.k8s.io has no metrics for, and the likeliest reason for each, in a message of bounded length. */

/** A node the cluster has, and whether it is a Fargate node. */
export interface NodeName {
  readonly name: string;
  readonly fargate: boolean;
}

/** What is known about why a node may lack metrics. */
export interface CoverageFacts {
  /** Nodes whose kubelet certificate metrics-server's verification rejects (kubelet-tls inspection). */
  readonly tlsRejected: readonly string[];
  /**
   * Every kubelet certificate inspected (a sample of a few nodes) was rejected: then x509 is the likely reason for the
   * nodes not inspected too, rather than the network.
   */
  readonly everyInspectedRejected?: boolean;
  /** Whether metrics-server skips verification (then x509 is not the reason). */
  readonly insecureTLS: boolean;
  /** Nodes metrics-server's own pods run on, when known. */
  readonly metricsServerNodes?: readonly string[];
}

/** The kubelet-certificate part of CoverageFacts, from the kubelet TLS inspection's summary (absent: none made). */
export function tlsCoverage(certs: { readonly inspected: number; readonly rejectedNodes?: readonly string[] } | undefined):
  Pick<CoverageFacts, 'tlsRejected' | 'everyInspectedRejected'> {
  const rejected = certs?.rejectedNodes ?? [];
  return { tlsRejected: rejected, everyInspectedRejected: (certs?.inspected ?? 0) > 0 && rejected.length === certs?.inspected };
}

const MAX_NAMED = 5;
const MAX_NAME = 63;

function reasonFor(node: NodeName, f: CoverageFacts): string {
  if (node.fargate && f.metricsServerNodes?.includes(node.name)) {
    return 'Fargate: metrics-server runs on this node and cannot reach its own kubelet on :10250; see FargatePlacementSafe';
  }
  if (!f.insecureTLS && f.tlsRejected.includes(node.name)) return 'kubelet x509: its serving certificate fails verification; see status.metricsServer';
  if (!f.insecureTLS && f.everyInspectedRejected && !node.fargate) {
    return 'kubelet x509 likely: every kubelet certificate inspected fails verification (this one was not inspected); see status.metricsServer';
  }
  if (node.fargate) return 'Fargate: its kubelet is reached through the pod\'s ENI; the security group must let metrics-server reach :10250';
  return 'not scraped: kubelet unreachable or not yet scraped twice; metrics-server\'s log names the cause';
}

/**
 * Every node metrics.k8s.io has no metrics for, with its likeliest reason: what MetricsAPIAvailable names, and what the
 * HPA doctor matches the target's pods against (PodsOnUnreachableNodes). Pure, so the operator's verify and
 * `kubectl metricsstack doctor` compute the same map from the same facts.
 */
export function missingNodeReasons(nodes: readonly NodeName[], withMetrics: readonly string[], f: CoverageFacts): Map<string, string> {
  const have = new Set(withMetrics);
  return new Map(nodes.filter((n) => !have.has(n.name)).map((n) => [n.name, reasonFor(n, f)]));
}

/**
 * "no metrics for a, b (why); c (why) and 3 more", nodes grouped by reason, or undefined when every node has metrics.
 * At most five names, each truncated, so the message stays short at any cluster size.
 */
export function describeMissingNodes(nodes: readonly NodeName[], withMetrics: readonly string[], f: CoverageFacts): string | undefined {
  const missing = [...missingNodeReasons(nodes, withMetrics, f)];
  if (missing.length === 0) return undefined;
  const groups = new Map<string, string[]>();
  for (const [node, reason] of missing.slice(0, MAX_NAMED)) {
    const name = node.length > MAX_NAME ? `${node.slice(0, MAX_NAME - 1)}…` : node;
    groups.set(reason, [...(groups.get(reason) ?? []), name]);
  }
  const named = [...groups].map(([reason, names]) => `${names.join(', ')} (${reason})`);
  const more = missing.length > MAX_NAMED ? ` and ${missing.length - MAX_NAMED} more` : '';
  return `no metrics for ${named.join('; ')}${more}`;
}
