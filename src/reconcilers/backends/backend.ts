import type { KubernetesObject, V1APIService } from '@kubernetes/client-node';
import type { ConditionReason, ConditionType } from '../../api/v1alpha1/conditions.js';
import { OwnershipConflictError } from '../../kube/apply-decision.js';
import type { Applier } from '../../kube/applier.js';
import { applySet, objectId, type ApplySetResult } from '../stack/apply-set.js';
import type { HandOff, ObjectCache, OwningReconciler, StackContext } from '../stack/context.js';
import { wantsExactly, wantsUnknown, type OwningResult } from '../stack/wanted.js';
import { conditionTypeForAPIService, foreignClaims, HANDOVER_POLL_MS, pendingHandovers, workloadsReady, type Handover } from './handover.js';
import { UnchangedFailureBackoff } from './failure-backoff.js';
import { backendStartup, holdWhileStarting } from './starting.js';

/** What a backend wants applied this pass, in apply order, and how adoption is allowed. */
export interface BackendPlan {
  readonly objects: readonly KubernetesObject[];
  /**
   * Applied before `objects`, and only if every one of them is accepted is anything else applied: the APIServices
   * that take a new CA before the Secret serves a certificate it signed (serving-cert-step.ts).
   */
  readonly applyFirst?: readonly KubernetesObject[];
  /** Look again this soon even when all is well (a CA rotation waits for a rollout). */
  readonly requeueAfterMs?: number;
  readonly adopt: boolean;
  /** The spec field that allows adopting foreign objects, named in conflict messages. */
  readonly adoptField: string;
  /** A sentence appended to conflict messages over foreign objects (metrics-server: provider existing keeps them). */
  readonly conflictHint?: string;
  /**
   * The spec cannot be deployed (rules that do not parse, a missing namespace): nothing is applied, what runs stays
   * as it is, and the backend's conditions carry this reason and message. A spec error waits for the spec to change;
   * what can change without an event we watch (a namespace being created) is looked at again after retryAfterMs.
   */
  readonly rejected?: { readonly reason: ConditionReason; readonly message: string; readonly retryAfterMs?: number };
}

/**
 * One way to serve the metrics APIs (KEDA's scaler shape: a few methods and a registry). metrics-server and
 * prometheus-adapter implement it; {@link BackendReconciler} runs any of them the same way.
 */
export interface MetricsBackend {
  readonly name: string;
  /** Context hand-offs its plan reads (metrics-server: FargatePlacement's placement) and its verify sets (ctx.unscrapedNodes). */
  readonly reads?: readonly HandOff[];
  readonly provides?: readonly HandOff[];
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
  /** Conditions to set False (reason Conflict, or the plan's rejection) when it cannot deploy, for this spec. */
  conditionTypes(ctx: StackContext): readonly ConditionType[];
  /** How long after its rollout completed an API that does not answer yet still counts as starting (see starting.ts). */
  startupGraceMs(ctx: StackContext): number;
}

export interface BackendDeps {
  readonly applier: Applier;
  readonly apiServices: ObjectCache<V1APIService>;
}

/** Runs a backend: claim check → plan → apply with ownership rules → hand APIs over → verify. */
export class BackendReconciler implements OwningReconciler {
  readonly name: string;
  readonly owns = 'objects';
  readonly reads: readonly HandOff[];
  readonly provides: readonly HandOff[];
  readonly #backoff = new UnchangedFailureBackoff();

  constructor(private readonly backend: MetricsBackend, private readonly d: BackendDeps) {
    ({ name: this.name, reads: this.reads = [], provides: this.provides = [] } = backend);
  }

  async reconcile(ctx: StackContext): Promise<OwningResult> {
    const b = this.backend;
    if (!b.enabled(ctx)) {
      this.#backoff.forget(ctx);
      b.clear(ctx);
      return wantsExactly([]); // the spec asks for another provider (or none)
    }
    const claims = foreignClaims(this.d.apiServices, b.apiServices(ctx), ctx.name);
    if (claims.length > 0) {
      const message =
        `${claims.join('; ')}; only one MetricsStack may serve an API group. Delete one of them or change spec.resourceMetrics.provider; ` +
        `${b.name} was not deployed and nothing was changed.`;
      ctx.applyResults.push({ applied: 0, unchanged: 0, conflicts: [message], live: new Map() });
      for (const type of b.conditionTypes(ctx)) ctx.setCondition({ type, status: 'False', reason: 'Conflict', message });
      return wantsUnknown(message);
    }
    let plan: BackendPlan;
    try {
      plan = await b.plan(ctx);
    } catch (err) {
      if (!(err instanceof OwnershipConflictError)) throw err;
      ctx.applyResults.push({ applied: 0, unchanged: 0, conflicts: [err.message], live: new Map() });
      for (const type of b.conditionTypes(ctx)) ctx.setCondition({ type, status: 'False', reason: 'Conflict', message: err.message });
      return wantsUnknown(err.message);
    }
    if (plan.rejected) {
      const { reason, message, retryAfterMs } = plan.rejected;
      ctx.holdPruning(`${b.name}: ${reason}`);
      for (const type of b.conditionTypes(ctx)) ctx.setCondition({ type, status: 'False', reason, message });
      return wantsUnknown(`${reason}: ${message}`, retryAfterMs || undefined);
    }
    const policy = { adopt: plan.adopt, adoptField: plan.adoptField };
    const refused = await this.applyFirst(ctx, plan, policy);
    if (refused) return wantsUnknown(refused);
    const handovers = pendingHandovers(plan.objects, this.d.apiServices, ctx.name);
    const waiting = (o: KubernetesObject) => o.kind === 'APIService' && handovers.some((h) => h.name === o.metadata?.name);
    const applied = await applySet(this.d.applier, ctx, plan.objects.filter((o) => !waiting(o)), policy);
    ctx.applyResults.push(applied);
    if (applied.conflicts.length > 0) {
      const r = await this.conflicted(ctx, plan.objects.filter((o) => !waiting(o)), applied, plan.conflictHint);
      return wantsUnknown(applied.conflicts.join(' '), r.requeueAfterMs);
    }
    if (handovers.length === 0) {
      const verified = await b.verify(ctx, applied);
      const graceMs = b.startupGraceMs(ctx);
      holdWhileStarting(ctx, b.conditionTypes(ctx), backendStartup(plan.objects, applied.live, ctx.now, graceMs), graceMs);
      const recheckMs = this.#backoff.next(ctx, b.conditionTypes(ctx), verified.requeueAfterMs);
      return wantsExactly(ctx.recorded(), soonest(plan.requeueAfterMs, recheckMs));
    }
    const readiness = workloadsReady(plan.objects, applied.live);
    await this.handOver(ctx, handovers, plan.objects.filter(waiting), readiness.ready, policy);
    await b.verify(ctx, applied);
    for (const h of handovers) {
      const type = conditionTypeForAPIService(h.name);
      const message = readiness.ready
        ? `APIService ${h.name} now routes to ${h.to} (${b.name}); what served it before (${h.from}) is removed on the next pass.`
        : `APIService ${h.name} still routes to ${h.from}, which keeps serving until ${b.name} is ready (${readiness.detail}); ` +
          `then it is repointed to ${h.to}.`;
      if (type) ctx.setCondition({ type, status: 'Unknown', reason: 'HandoverInProgress', message });
    }
    return wantsExactly(ctx.recorded(), HANDOVER_POLL_MS);
  }

  /**
   * Applies the plan's applyFirst objects. Any of them refused (a conflict; an error throws) stops the pass before
   * anything else changes: the Secret must not serve a certificate the APIServices do not trust yet.
   */
  private async applyFirst(ctx: StackContext, plan: BackendPlan, policy: { adopt: boolean; adoptField: string }): Promise<string | undefined> {
    if (!plan.applyFirst?.length) return undefined;
    const first = await applySet(this.d.applier, ctx, plan.applyFirst, policy);
    ctx.applyResults.push(first);
    if (first.conflicts.length === 0) return undefined;
    const message = `${first.conflicts.join(' ')} ${this.backend.name} was not changed: its serving certificate is not rotated ` +
      'until these APIServices can trust the new CA.';
    for (const type of this.backend.conditionTypes(ctx)) ctx.setCondition({ type, status: 'False', reason: 'Conflict', message });
    return message;
  }

  /**
   * Objects someone else owns were left alone. When they are only APIServices (KEDA holds external.metrics.k8s.io),
   * the other APIs work: they are verified as usual and only the blocked APIs report the Conflict. Otherwise the
   * backend cannot work and every condition does.
   */
  private async conflicted(ctx: StackContext, objects: readonly KubernetesObject[], applied: ApplySetResult, conflictHint = ''): Promise<{
    requeueAfterMs?: number;
  }> {
    const [b, hint] = [this.backend, conflictHint && ` ${conflictHint}`];
    const blocked = objects.filter((o) => !applied.live.has(objectId(o)));
    const types = blocked.map((o) => (o.kind === 'APIService' ? conditionTypeForAPIService(o.metadata?.name ?? '') : undefined));
    if (types.some((t) => t === undefined)) {
      const message = `${b.name} was not (fully) deployed: ${applied.conflicts.join(' ')}${hint}`;
      for (const type of b.conditionTypes(ctx)) ctx.setCondition({ type, status: 'False', reason: 'Conflict', message });
      return {};
    }
    const result = await b.verify(ctx, applied);
    blocked.forEach((o, i) => {
      const message = applied.conflicts.find((m) => m.includes(`APIService ${o.metadata?.name}`)) ?? applied.conflicts.join(' ');
      ctx.setCondition({ type: types[i]!, status: 'False', reason: 'Conflict', message: `${b.name} does not serve it: ${message}${hint}` });
    });
    // Retrying cannot resolve a conflict; only the other APIs' verification may need a retry.
    const othersTrue = b.conditionTypes(ctx).filter((t) => !types.includes(t))
      .every((t) => ctx.status.conditions?.find((c) => c.type === t)?.status === 'True');
    return othersTrue ? {} : result;
  }

  /**
   * Repoints the APIServices once the backend's pods are ready; until then leaves them as they are. Either way the
   * previous backend's objects stay this pass (pruning is held), so something always serves the API.
   */
  private async handOver(
    ctx: StackContext, handovers: readonly Handover[], apiServices: readonly KubernetesObject[], ready: boolean,
    policy: { adopt: boolean; adoptField: string },
  ): Promise<void> {
    ctx.holdPruning(`${this.backend.name}: handing ${handovers.map((h) => h.name).join(', ')} over`);
    if (!ready) {
      for (const h of handovers) ctx.recordOwned({ ...h.live, apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService' });
      return;
    }
    ctx.log.info({ handovers: handovers.map(({ name, from, to }) => ({ name, from, to })) }, 'backend ready: repointing its APIServices');
    ctx.applyResults.push(await applySet(this.d.applier, ctx, apiServices, policy));
  }
}

const soonest = (a: number | undefined, b: number | undefined): number | undefined => a === undefined ? b : b === undefined ? a : Math.min(a, b);
