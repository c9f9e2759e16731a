/**
 * FargatePlacementVerifier, after the backends: where do metrics-server's pods actually run? The annotation is only
 * a hint to EKS's Fargate webhook, so the verdict comes from the pods (label-selected cache) and their nodes.
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { ConditionType } from '../../api/v1alpha1/conditions.js';
import { UnchangedFailureBackoff } from '../backends/failure-backoff.js';
import type { ObjectCache, StackContext, ObservingReconciler } from '../stack/context.js';
import { isFargateNode } from '../platform/node-facts.js';
import { decidePodPlacement } from './decision.js';
import { metricsServerPods } from './pods.js';

/**
 * While pods are unscheduled, look again this soon (pod events usually come first: the pods are watched), then less
 * often the longer that has stood unchanged (failure-backoff.ts: a quarter of the time, at most 5 minutes). A stack
 * whose pods never got scheduled made a whole pass every 30 s (bench/nodes-ab.ts at 5,000 nodes: 2 passes a minute,
 * where the backends' own re-checks had backed off).
 */
export const UNSCHEDULED_RETRY_MS = 30_000;

/** Sets FargatePlacementSafe from the pods, when FargatePlacement left a check for it this pass (ctx.placementCheck). */
export class FargatePlacementVerifier implements ObservingReconciler {
  readonly name = 'fargate-verify';
  readonly owns = 'nothing';
  readonly reads = ['placement', 'placementCheck'] as const;

  readonly #backoff = new UnchangedFailureBackoff();

  constructor(
    private readonly pods: ObjectCache<V1Pod>,
    private readonly nodes: ObjectCache<V1Node>,
  ) {}

  async reconcile(ctx: StackContext): Promise<{ requeueAfterMs?: number }> {
    const ok = ctx.placementCheck;
    if (!ok) {
      this.#backoff.forget(ctx); // a check that comes back later starts again at 30 s
      return {};
    }
    const pods = metricsServerPods(this.pods, ctx.name, ctx.need('placement').namespace);
    const isFargate = (name: string): boolean => {
      const node = this.nodes.get(name);
      return node ? isFargateNode(node) : name.startsWith('fargate-');
    };
    const condition = decidePodPlacement(pods, isFargate, ok);
    ctx.setCondition(condition);
    if (condition.status !== 'Unknown') {
      this.#backoff.forget(ctx);
      return {};
    }
    return { requeueAfterMs: this.#backoff.next(ctx, [ConditionType.FargatePlacementSafe], UNSCHEDULED_RETRY_MS) ?? UNSCHEDULED_RETRY_MS };
  }
}
