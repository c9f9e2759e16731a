/**
 * FargatePlacementVerifier, after the backends: where do metrics-server's pods actually run? The annotation is only
 * a hint to EKS's Fargate webhook, so the verdict comes from the pods (label-selected cache) and their nodes.
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { ObjectCache, StackContext, ObservingReconciler } from '../stack/context.js';
import { isFargateNode } from '../platform/node-facts.js';
import { decidePodPlacement } from './decision.js';
import { metricsServerPods } from './pods.js';

/** While pods are unscheduled, look again this soon (pod events usually come first). */
export const UNSCHEDULED_RETRY_MS = 30_000;

/** Sets FargatePlacementSafe from the pods, when FargatePlacement left a check for it this pass (ctx.placementCheck). */
export class FargatePlacementVerifier implements ObservingReconciler {
  readonly name = 'fargate-verify';
  readonly owns = 'nothing';
  readonly reads = ['placement', 'placementCheck'] as const;

  constructor(
    private readonly pods: ObjectCache<V1Pod>,
    private readonly nodes: ObjectCache<V1Node>,
  ) {}

  async reconcile(ctx: StackContext): Promise<{ requeueAfterMs?: number }> {
    const ok = ctx.placementCheck;
    if (!ok) return {};
    const pods = metricsServerPods(this.pods, ctx.name, ctx.need('placement').namespace);
    const isFargate = (name: string): boolean => {
      const node = this.nodes.get(name);
      return node ? isFargateNode(node) : name.startsWith('fargate-');
    };
    const condition = decidePodPlacement(pods, isFargate, ok);
    ctx.setCondition(condition);
    return condition.status === 'Unknown' ? { requeueAfterMs: UNSCHEDULED_RETRY_MS } : {};
  }
}
