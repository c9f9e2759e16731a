import type { V1Node } from '@kubernetes/client-node';
import type { ObjectCache, StackContext, ObservingReconciler } from '../stack/context.js';
import type { NodeDetailsSource } from './node-details.js';
import { summarizeNodes, type NodeFacts } from './node-facts.js';

/**
 * Observes what the cluster is (EKS or not, EC2 and Fargate node counts) from the metadata-only node cache and the
 * nodes' details (providerID, addresses, kubelet port; node-details.ts) and records it in status.platform. Runs
 * first: the backends decide their flags and placement from these facts.
 */
export class PlatformObserver implements ObservingReconciler {
  readonly name = 'platform';
  readonly owns = 'nothing';
  readonly provides = ['nodeFacts'] as const;
  /** The facts of the last merged node list: withDetails returns the same array while nothing about the nodes changed. */
  #last: { nodes: readonly V1Node[]; facts: NodeFacts } | undefined;

  constructor(
    private readonly nodes: ObjectCache<V1Node>,
    private readonly details: Pick<NodeDetailsSource, 'withDetails'>,
  ) {}

  async reconcile(ctx: StackContext): Promise<{ requeueAfterMs?: number }> {
    const { nodes, retryAfterMs } = await this.details.withDetails(this.nodes.list());
    const facts = this.#last?.nodes === nodes ? this.#last.facts : summarizeNodes(nodes);
    this.#last = { nodes, facts };
    ctx.nodeFacts = facts;
    const clusterName = ctx.spec.cluster?.name ?? facts.clusterName;
    const region = ctx.spec.cluster?.region ?? facts.region;
    ctx.status.platform = {
      ...ctx.status.platform,
      kind: facts.kind,
      ...(clusterName ? { clusterName } : {}),
      ...(region ? { region } : {}),
      ec2Nodes: facts.ec2Nodes,
      fargateNodes: facts.fargateNodes,
      otherNodes: facts.otherNodes,
    };
    // A node read before it had addresses: its details change without any metadata event to wake the stack.
    return retryAfterMs !== undefined ? { requeueAfterMs: retryAfterMs } : {};
  }
}
