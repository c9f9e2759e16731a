import { isDeepStrictEqual } from 'node:util';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ObjectClient } from '../../kube/client.js';
import type { Logger } from 'pino';
import { withDefaults } from '../../api/v1alpha1/defaults.js';
import type { MetricsStack } from '../../api/v1alpha1/types.js';
import { TerminalError, isTerminalError, type ReconcileResult, type Reconciler } from '../../controllers/reconciler.js';
import { mergeInventory, releaseInventory, type InventoryRef } from '../../kube/cleanup.js';
import { computeReady, findCondition } from '../../kube/conditions.js';
import { apiMessage } from '../../kube/errors.js';
import { hasFinalizer, type StackWriter } from '../../kube/stack-writer.js';
import { ownerOf } from '../../kube/labels.js';
import { resourcesAppliedCondition } from './apply-set.js';
import { StackContext, type ObjectCache, type OwningReconciler, type SubReconciler } from './context.js';
import { decideInventory, type ConcernStatement } from './inventory.js';
import { checkOrder } from './order.js';

/** Best-effort Kubernetes Events on the MetricsStack. */
export interface EventSink {
  event(obj: KubernetesObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void>;
}

export interface MetricsStackReconcilerDeps {
  readonly stacks: ObjectCache<MetricsStack>;
  /** In pass order (see orderSubReconcilers); a reader before its provider is rejected here. */
  readonly subs: readonly SubReconciler[];
  readonly writer: StackWriter;
  readonly objects: ObjectClient;
  /** Everything our label-selected caches hold, to find children missing from the recorded inventory. */
  readonly owned: () => readonly KubernetesObject[];
  readonly events: EventSink;
  readonly clock: () => Date;
  /** Every live MetricsStack is looked at again after this long, for state that cannot be watched (AWS). */
  readonly resyncPeriodMs: number;
  readonly log: Logger;
}

/**
 * The parent: reads the stack from the cache, runs each sub-reconciler on one draft status, computes Ready,
 * and writes status once, only if it changed. Errors from one sub-reconciler do not stop the others.
 */
export class MetricsStackReconciler implements Reconciler {
  /** By uid: a MetricsStack recreated under the same name starts afresh. */
  private readonly written = new Map<string, NonNullable<MetricsStack['status']>>();

  constructor(private readonly d: MetricsStackReconcilerDeps) {
    checkOrder(d.subs);
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const stack = this.d.stacks.get(key);
    if (!stack) return {};
    if (stack.metadata?.deletionTimestamp) return this.finalize(stack);
    // Without our finalizer nothing may be created: the objects could never be cleaned up. Gone meanwhile → stop.
    if (!hasFinalizer(stack) && !(await this.d.writer.setFinalizer(stack, true))) return {};

    const log = this.d.log.child({ key });
    const ctx = new StackContext(stack, withDefaults(stack.spec ?? {}), this.d.clock(), log, this.lastWritten(stack));
    const errors: unknown[] = [];
    const failures: string[] = [];
    const statements: ConcernStatement[] = [];
    let requeueAfterMs = this.d.resyncPeriodMs;
    for (const sub of this.d.subs) {
      ctx.beginConcern(sub.name);
      try {
        const r = sub.owns === 'objects' ? await this.#owning(sub, ctx, statements) : await sub.reconcile(ctx);
        if (r.requeueAfterMs !== undefined) requeueAfterMs = Math.min(requeueAfterMs, r.requeueAfterMs);
      } catch (err) {
        log.warn({ err, sub: sub.name }, 'sub-reconciler failed');
        errors.push(err);
        failures.push(`${sub.name}: ${apiMessage(err)}`);
        if (sub.owns === 'objects') statements.push({ concern: sub.name, wanted: { known: false, why: apiMessage(err) }, recorded: ctx.recorded() });
      }
    }
    if (failures.length > 0) {
      // The error must reach the user, not only the log: an admission webhook denying the Deployment, say.
      ctx.setCondition({ type: 'ResourcesApplied', status: 'False', reason: 'ReconcileError', message: `${failures.join('; ')}. Retrying with backoff.` });
    } else if (ctx.applyResults.length > 0) ctx.setCondition(resourcesAppliedCondition(ctx.applyResults));
    else ctx.removeCondition('ResourcesApplied');
    for (const message of ctx.applyResults.flatMap((r) => r.foreignChanges ?? [])) {
      log.info({ message }, 'undid changes another field manager made');
      await this.d.events.event(stack, 'Warning', 'ForeignChangeReverted', message);
    }
    if (ctx.pruningHeldBy.length > 0) log.info({ reasons: ctx.pruningHeldBy }, 'not pruning this pass');
    // A conflict leaves a wanted object unrecorded: pruning then would delete what was ours a pass ago.
    const conflicts = ctx.applyResults.some((r) => r.conflicts.length > 0);
    await this.recordInventory(stack, ctx, statements, errors.length === 0 && !conflicts && ctx.pruningHeldBy.length === 0);
    ctx.setCondition(computeReady(ctx.status.conditions ?? [], dependentTypes(ctx)));
    ctx.status.observedGeneration = ctx.generation;
    await this.writeStatus(stack, ctx);
    if (errors.length > 0) throw errors.every(isTerminalError) ? new TerminalError(messages(errors)) : new AggregateError(errors, messages(errors));
    return { requeueAfterMs };
  }

  /** Runs a sub-reconciler that owns objects and keeps its statement about them. */
  async #owning(sub: OwningReconciler, ctx: StackContext, statements: ConcernStatement[]): Promise<{ requeueAfterMs?: number }> {
    const r = await sub.reconcile(ctx);
    if (!r.wanted.known) ctx.log.info({ sub: sub.name, why: r.wanted.why }, 'keeping its objects: it cannot tell what it wants');
    statements.push({ concern: sub.name, wanted: r.wanted, recorded: ctx.recorded() });
    return r;
  }

  /**
   * The inventory is what this pass wanted to exist, by concern (see stack/inventory.ts). After a clean pass,
   * whatever a concern had and now positively no longer names is deleted (a PodDisruptionBudget after scaling to 1
   * replica, a backend after a provider switch). A concern that cannot tell keeps its objects; after a failed or
   * conflicted pass, or while a sub-reconciler holds pruning (an API handover), nothing is pruned.
   */
  private async recordInventory(stack: MetricsStack, ctx: StackContext, statements: readonly ConcernStatement[], clean: boolean):
    Promise<void> {
    const previous = (stack.status?.inventory ?? []) as InventoryRef[];
    const { inventory, prune } = decideInventory(previous, statements, !clean);
    if (prune.length > 0) {
      ctx.log.info({ stale: prune }, 'pruning objects no longer wanted');
      const skipped = await releaseInventory(this.d.objects, prune, 'Delete', ctx.name);
      if (skipped.length > 0) ctx.log.warn({ skipped }, 'left alone: no longer ours');
    }
    if (inventory.length > 0 || previous.length > 0) ctx.status.inventory = inventory;
  }

  /**
   * Our own status write reaches the cache a moment later; a reconcile that starts in between must build on what
   * was written, not on the stale copy, or it would flip conditions back and write (and emit Events) twice. Only
   * this operator writes status, so the last status it wrote is the live one (until a restart empties the map).
   */
  private lastWritten(stack: MetricsStack): MetricsStack['status'] | undefined {
    return this.written.get(stack.metadata?.uid ?? '');
  }

  private async writeStatus(stack: MetricsStack, ctx: StackContext): Promise<void> {
    const base = this.lastWritten(stack) ?? stack.status ?? {};
    if (isDeepStrictEqual(base, ctx.status)) return;
    await this.d.writer.patchStatus(ctx.name, ctx.status);
    this.written.set(stack.metadata?.uid ?? '', structuredClone(ctx.status));
    const before = findCondition(base.conditions, 'Ready');
    const after = findCondition(ctx.status.conditions, 'Ready');
    if (after && (before?.status !== after.status || before.reason !== after.reason)) {
      await this.d.events.event(stack, after.status === 'True' ? 'Normal' : 'Warning', after.reason, after.message);
    }
  }

  private async finalize(stack: MetricsStack): Promise<ReconcileResult> {
    const name = stack.metadata?.name ?? '';
    if (!hasFinalizer(stack)) return {};
    const policy = stack.spec?.deletionPolicy ?? 'Delete';
    const recorded = (stack.status?.inventory ?? []) as InventoryRef[];
    const refs = mergeInventory(recorded, this.d.owned().filter((o) => ownerOf(o) === name));
    const skipped = await releaseInventory(this.d.objects, refs, policy, name);
    if (skipped.length > 0) this.d.log.warn({ key: name, skipped }, 'left alone on delete: no longer ours');
    const what = `${refs.length} managed objects ${policy === 'Delete' ? 'deleted' : 'left in place'} (deletionPolicy ${policy})`;
    await this.d.events.event(stack, 'Normal', policy === 'Delete' ? 'Deleted' : 'Orphaned', what);
    await this.d.writer.setFinalizer(stack, false);
    this.written.delete(stack.metadata?.uid ?? '');
    return {};
  }
}

/** Every condition except Ready feeds Ready: a sub-reconciler removes a condition that no longer applies. */
const dependentTypes = (ctx: StackContext): string[] =>
  (ctx.status.conditions ?? []).map((c) => c.type).filter((t) => t !== 'Ready');

const messages = (errors: unknown[]): string => errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ');
