import type { KubernetesObject, V1APIService } from '@kubernetes/client-node';
import { ownerOf } from '../../kube/labels.js';
import type { Applier } from '../../kube/applier.js';
import { applySet, type ApplySetResult } from '../apply-set.js';
import type { ObjectCache, StackContext, SubReconciler } from '../context.js';

/** What a backend wants applied this pass, in apply order, and how adoption is allowed. */
export interface BackendPlan {
  readonly objects: readonly KubernetesObject[];
  readonly adopt: boolean;
  /** The spec field that allows adopting foreign objects, named in conflict messages. */
  readonly adoptField: string;
}

/**
 * One way to serve the metrics APIs (KEDA's scaler shape: a few methods and a registry). metrics-server and
 * prometheus-adapter implement it; {@link BackendReconciler} runs any of them the same way.
 */
export interface MetricsBackend {
  readonly name: string;
  /** Whether the spec asks for this backend at all. */
  enabled(ctx: StackContext): boolean;
  /** The APIServices it registers for this spec (claimed: another MetricsStack's claim is a conflict). */
  apiServices(ctx: StackContext): readonly string[];
  /** Observe and decide (flags, certificates, placement), then render: everything it wants to exist. */
  plan(ctx: StackContext): Promise<BackendPlan>;
  /** After a conflict-free apply: prove the APIs answer and set the backend's conditions. */
  verify(ctx: StackContext, applied: ApplySetResult): Promise<{ requeueAfterMs?: number }>;
  /** Conditions and status it owns, cleared when it is disabled. */
  clear(ctx: StackContext): void;
  /** Conditions to set False with reason Conflict when it cannot deploy. */
  readonly conditionTypes: readonly string[];
}

export interface BackendDeps {
  readonly applier: Applier;
  readonly apiServices: ObjectCache<V1APIService>;
}

/** Runs a backend: claim check → plan → apply with ownership rules → verify. */
export class BackendReconciler implements SubReconciler {
  readonly name: string;

  constructor(private readonly backend: MetricsBackend, private readonly d: BackendDeps) {
    this.name = backend.name;
  }

  async reconcile(ctx: StackContext): Promise<{ requeueAfterMs?: number }> {
    const b = this.backend;
    if (!b.enabled(ctx)) {
      b.clear(ctx);
      return {};
    }
    const claims = b.apiServices(ctx).flatMap((name) => {
      const owner = ownerOf(this.d.apiServices.get(name) ?? {});
      return owner && owner !== ctx.name ? [`APIService ${name} belongs to MetricsStack "${owner}"`] : [];
    });
    if (claims.length > 0) {
      const message = `${claims.join('; ')}; only one MetricsStack may serve an API group. Delete one of them or change spec.resourceMetrics.provider; ${b.name} was not deployed and nothing was changed.`;
      ctx.applyResults.push({ applied: 0, unchanged: 0, conflicts: [message], live: new Map() });
      for (const type of b.conditionTypes) ctx.setCondition({ type, status: 'False', reason: 'Conflict', message });
      return {};
    }
    const plan = await b.plan(ctx);
    const applied = await applySet(this.d.applier, ctx, plan.objects, { adopt: plan.adopt, adoptField: plan.adoptField });
    ctx.applyResults.push(applied);
    if (applied.conflicts.length > 0) {
      const message = `${b.name} was not (fully) deployed: ${applied.conflicts.join(' ')}`;
      for (const type of b.conditionTypes) ctx.setCondition({ type, status: 'False', reason: 'Conflict', message });
      return {};
    }
    return b.verify(ctx, applied);
  }
}
