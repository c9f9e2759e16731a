import { ConditionReason, relayReason, type Condition, type ConditionStatus, type ConditionType, type RelayedReason } from '../api/v1alpha1/conditions.js';

/**
 * A condition as a sub-reconciler states it; observedGeneration and lastTransitionTime are filled in here. Type and
 * reason come from the catalogue, so the compiler rejects any other; a reason passed on from elsewhere is marked so.
 */
export interface ConditionInput {
  readonly type: ConditionType;
  readonly status: ConditionStatus;
  readonly reason: ConditionReason | RelayedReason;
  readonly message: string;
}

export const findCondition = (conditions: readonly Condition[] | undefined, type: string): Condition | undefined =>
  conditions?.find((c) => c.type === type);

/**
 * metav1.Condition semantics: lastTransitionTime moves only when status flips; reason, message and
 * observedGeneration follow the latest observation. Order is kept stable so unchanged status compares equal.
 */
export function setCondition(conditions: readonly Condition[], input: ConditionInput, generation: number, now: Date): Condition[] {
  const prev = findCondition(conditions, input.type);
  const next: Condition = {
    type: input.type,
    status: input.status,
    reason: input.reason,
    message: input.message,
    observedGeneration: generation,
    lastTransitionTime: prev && prev.status === input.status ? prev.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  return prev ? conditions.map((c) => (c.type === input.type ? next : c)) : [...conditions, next];
}

export const removeCondition = (conditions: readonly Condition[], type: string): Condition[] =>
  conditions.filter((c) => c.type !== type);

/**
 * Ready is computed, never set by hand: False if any dependent is False (the first one names the reason),
 * Unknown if any is Unknown or missing, else True. Positive polarity makes this a simple fold.
 */
export function computeReady(conditions: readonly Condition[], dependents: readonly string[]): ConditionInput {
  const pending = (type: string) => ({ type, status: 'Unknown' as const, reason: ConditionReason.Pending, message: 'not yet observed' });
  const present = dependents.map((t) => findCondition(conditions, t) ?? pending(t));
  const failed = present.find((c) => c.status === 'False');
  if (failed) return { type: 'Ready', status: 'False', reason: relayReason(failed.reason), message: `${failed.type}: ${failed.message}` };
  const unknown = present.find((c) => c.status === 'Unknown');
  if (unknown) return { type: 'Ready', status: 'Unknown', reason: 'DependencyNotReady', message: `${unknown.type}: ${unknown.message}` };
  return { type: 'Ready', status: 'True', reason: 'AllDependenciesReady', message: `${present.map((c) => c.type).join(', ')} are True` };
}
