/**
 * FargatePlacementVerifier, after the backends: where do metrics-server's pods actually run? The annotation is only
 * a hint to EKS's Fargate webhook, so the verdict comes from the pods (label-selected cache) and their nodes.
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { ConditionReason } from '../../api/v1alpha1/conditions.js';
import type { ObjectCache, StackContext, SubReconciler } from '../stack/context.js';
import { isFargateNode } from '../platform/node-facts.js';
import { decidePodPlacement } from './decision.js';
import { metricsServerPods } from './pods.js';

/** While pods are unscheduled, look again this soon (pod events usually come first). */
export const UNSCHEDULED_RETRY_MS = 30_000;

/** The True verdict to report when no pod is on Fargate. */
export interface VerifyOk {
  readonly reason: ConditionReason;
  readonly message: string;
}

/** Hand-over from FargatePlacement to the verifier, for one reconcile pass only (keyed by the pass's context). */
export class FargateVerifications {
  readonly #pending = new WeakMap<StackContext, VerifyOk>();

  expect(ctx: StackContext, ok: VerifyOk): void {
    this.#pending.set(ctx, ok);
  }

  take(ctx: StackContext): VerifyOk | undefined {
    const ok = this.#pending.get(ctx);
    this.#pending.delete(ctx);
    return ok;
  }
}

/** Sets FargatePlacementSafe from the pods, when FargatePlacement asked for it this pass. */
export class FargatePlacementVerifier implements SubReconciler {
  readonly name = 'fargate-verify';

  constructor(
    private readonly pods: ObjectCache<V1Pod>,
    private readonly nodes: ObjectCache<V1Node>,
    private readonly verifications: FargateVerifications,
  ) {}

  async reconcile(ctx: StackContext): Promise<{ requeueAfterMs?: number }> {
    const ok = this.verifications.take(ctx);
    if (!ok || !ctx.placement) return {};
    const pods = metricsServerPods(this.pods, ctx.name, ctx.placement.namespace);
    const isFargate = (name: string): boolean => {
      const node = this.nodes.get(name);
      return node ? isFargateNode(node) : name.startsWith('fargate-');
    };
    const condition = decidePodPlacement(pods, isFargate, ok);
    ctx.setCondition(condition);
    return condition.status === 'Unknown' ? { requeueAfterMs: UNSCHEDULED_RETRY_MS } : {};
  }
}
