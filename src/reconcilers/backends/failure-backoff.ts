/**
 * How soon a backend's failing verification is looked at again. A failure that changes (a rollout progressing, one
 * more node with metrics) or has just begun is re-checked after the backend's own interval (10 s); one that has stood
 * unchanged for a while is re-checked after a quarter of the time it has stood, at most {@link MAX_UNCHANGED_RECHECK_MS}.
 * Each re-check is a whole pass (plan, apply decisions, verify, the HPA doctor): a metrics API that never answers made
 * one every 10 s for as long as it failed (bench: the scale section's idle CPU). Whatever the operator watches (the
 * APIService's status, the Deployments, the spec, the nodes) still starts a pass at once; only what it must poll (the
 * metrics API's answer, the time since a rollout) waits longer, so a failure of an hour is noticed gone within
 * five minutes, one of a minute within 15 s.
 */
import type { Condition, ConditionType } from '../../api/v1alpha1/conditions.js';
import type { StackContext } from '../stack/context.js';

export const MAX_UNCHANGED_RECHECK_MS = 300_000;

/** The conditions' failing part: what must stay the same for the failure to count as unchanged. */
const signature = (conditions: readonly (Condition | undefined)[]): string =>
  JSON.stringify(conditions.filter((c) => c !== undefined && c.status !== 'True').map((c) => [c!.type, c!.status, c!.reason, c!.message]));

export class UnchangedFailureBackoff {
  /** By MetricsStack (uid): the failing conditions last seen and since when they have read so. */
  readonly #seen = new Map<string, { readonly signature: string; readonly sinceMs: number }>();

  /**
   * The re-check interval for this pass: `requestedMs` (the backend's), or a quarter of the time the failing
   * conditions have read exactly as they do now if that is longer (capped). Undefined stays undefined; with nothing
   * failing the stack is forgotten.
   */
  at(stack: string, conditions: readonly (Condition | undefined)[], requestedMs: number | undefined, now: Date): number | undefined {
    const sig = signature(conditions);
    if (requestedMs === undefined || sig === '[]') {
      this.#seen.delete(stack);
      return requestedMs;
    }
    const seen = this.#seen.get(stack);
    if (seen?.signature !== sig) {
      this.#seen.set(stack, { signature: sig, sinceMs: now.getTime() });
      return requestedMs;
    }
    const stoodMs = now.getTime() - seen.sinceMs;
    return Math.max(requestedMs, Math.min(MAX_UNCHANGED_RECHECK_MS, Math.round(stoodMs / 4)));
  }

  /** {@link at} for a pass: the stack's conditions of `types` as this pass set them. */
  next(ctx: StackContext, types: readonly ConditionType[], requestedMs: number | undefined): number | undefined {
    const conditions = types.map((t) => ctx.status.conditions?.find((c) => c.type === t));
    return this.at(stackKey(ctx), conditions, requestedMs, ctx.now);
  }

  /** A backend the stack no longer asks for forgets it. */
  forget(ctx: StackContext): void {
    this.#seen.delete(stackKey(ctx));
  }
}

/** By uid: a MetricsStack recreated under the same name starts afresh. */
const stackKey = (ctx: StackContext): string => ctx.stack.metadata?.uid ?? ctx.name;
