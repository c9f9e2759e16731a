import type { V1Node } from '@kubernetes/client-node';
import type { ObjectCache, StackContext, ObservingReconciler } from '../stack/context.js';
import { summarizeNodes } from './node-facts.js';

/**
 * Observes what the cluster is (EKS or not, EC2 and Fargate node counts) from the trimmed node cache and records it
 * in status.platform. Runs first: the backends decide their flags and placement from these facts.
 */
export class PlatformObserver implements ObservingReconciler {
  readonly name = 'platform';
  readonly owns = 'nothing';
  readonly provides = ['nodeFacts'] as const;

  constructor(private readonly nodes: ObjectCache<V1Node>) {}

  async reconcile(ctx: StackContext): Promise<{ requeueAfterMs?: number }> {
    const facts = summarizeNodes(this.nodes.list());
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
    return {};
  }
}
