/**
 * While an AWS-backed check fails, its cached answers are dropped at most once per `AWS_TTL_MS.failureRecheck`, so a
 * user's fix (a trust policy edited, a profile recreated, a tag added by hand) shows within minutes, while a healthy
 * stack keeps reading from the cache and makes no AWS call between drift checks.
 */
import type { ConditionType } from '../../api/v1alpha1/conditions.js';
import { AWS_TTL_MS } from '../../cloud/aws/ttl.js';
import type { StackContext } from '../stack/context.js';
import type { AwsService, AwsSession } from './session.js';

/** Per stack and condition: when its failing check last dropped the cache. */
export class FailureRecheck {
  readonly #last = new Map<string, number>();

  constructor(private readonly intervalMs: number = AWS_TTL_MS.failureRecheck) {}

  /**
   * Drops the cached answers of `services` when the condition `type` was False or Unknown after the last pass (for
   * one of `reasons`, or any reason when absent) and the last drop is at least the interval ago.
   */
  maybeRefresh(ctx: StackContext, session: AwsSession, type: ConditionType, services: readonly AwsService[], reasons?: ReadonlySet<string>): void {
    // The draft still holds the last written verdict: the reconcilers that set this condition have not run yet.
    const previous = ctx.status.conditions?.find((c) => c.type === type);
    const key = `${ctx.name}/${type}`;
    if (!previous || previous.status === 'True' || (reasons && !reasons.has(previous.reason))) {
      this.#last.delete(key);
      return;
    }
    const now = ctx.now.getTime();
    if (now - (this.#last.get(key) ?? 0) < this.intervalMs) return;
    this.#last.set(key, now);
    for (const s of services) session.ports.refresh(s);
  }
}
