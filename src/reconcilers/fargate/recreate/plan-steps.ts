/**
 * Where one profile replacement stands, read from what EKS shows now (level-triggered), so a restarted operator
 * resumes from AWS itself. The persisted plan is consulted for the one thing AWS cannot tell: that an original which
 * is gone was deleted by us, after its replacement went ACTIVE.
 */
import type { FargateProfile, FargateSelector } from '../../../cloud/aws/ports.js';
import { byOrdinal } from '../../../ordinal.js';
import { checkReplacement, type CoverageFacts, type CoverageRefusal } from './coverage.js';

/** What each step of a replacement does (as in status.fargate.plan). */
export type StepAction = 'Create' | 'WaitActive' | 'Delete';
/** Where a step is (as in status.fargate.plan). */
export type StepState = 'Pending' | 'InProgress' | 'Done' | 'Failed';

/** One step of the plan, as persisted in status.fargate.plan. */
export interface PlanStep {
  readonly step: number;
  readonly profile: string;
  readonly action: StepAction;
  readonly state: StepState;
}

/** One requested replacement, from spec.fargate.recreateProfile.profiles. */
export interface ProfileReplacement {
  readonly name: string;
  readonly replacementName?: string;
  readonly selectors: readonly FargateSelector[];
}

/** The three step states of one replacement, and why it failed if it did. */
export interface ReplacementState {
  readonly original: string;
  readonly replacement: string;
  readonly states: readonly [create: StepState, waitActive: StepState, del: StepState];
  readonly failure?: string;
  /** The condition reason of `failure` when it is not RecreateProfileFailed (a refused replacement). */
  readonly failureReason?: CoverageRefusal['reason'];
}


/** The name a replacement gets when the spec gives none: deterministic, so a restart finds the same profile. */
export function replacementNameFor(name: string): string {
  return `${name.slice(0, 100 - '-replacement'.length)}-replacement`;
}

/**
 * Derives where the replacement of `entry` stands from the observed profiles (by name) and the persisted plan; one
 * that `coverage` refuses stops at the step it would take next.
 */
export function replacementState(
  entry: ProfileReplacement,
  byName: ReadonlyMap<string, FargateProfile>,
  persisted: readonly PlanStep[],
  coverage: CoverageFacts,
): ReplacementState {
  const original = entry.name;
  const replacement = entry.replacementName ?? replacementNameFor(original);
  const o = byName.get(original);
  const r = byName.get(replacement);
  const at = (states: ReplacementState['states'], failure?: string, failureReason?: CoverageRefusal['reason']): ReplacementState => ({
    original,
    replacement,
    states,
    ...(failure ? { failure } : {}),
    ...(failureReason ? { failureReason } : {}),
  });
  // Checked before the replacement is made, and again before it takes over (pods may have come since).
  const live = o && o.status !== 'DELETING' && o.status !== 'DELETE_FAILED';
  const refusal = live ? checkReplacement(o, { name: replacement, selectors: entry.selectors }, coverage) : undefined;

  if (!r) {
    if (o) return refusal ? at(['Failed', 'Pending', 'Pending'], refusal.message, refusal.reason) : at(['Pending', 'Pending', 'Pending']);
    const weDeleted = persisted.some((s) => s.profile === original && s.action === 'Delete' && s.state === 'Done');
    if (weDeleted) return at(['Done', 'Done', 'Done']);
    return at(
      ['Failed', 'Pending', 'Pending'],
      `Fargate profile ${original} does not exist, so there is nothing to replace: check fargate.recreateProfile.profiles[].name.`,
    );
  }
  if (!sameSelectors(r.selectors, entry.selectors)) {
    return at(
      ['Failed', 'Pending', 'Pending'],
      `Fargate profile ${replacement} already exists with other selectors than requested; profiles are immutable, ` +
        `so set a new replacementName. ${original} is untouched.`,
    );
  }
  switch (r.status) {
    case 'CREATING':
      return at(['Done', 'InProgress', 'Pending']);
    case 'CREATE_FAILED':
      return at(
        ['Failed', 'Pending', 'Pending'],
        `EKS could not create Fargate profile ${replacement} (CREATE_FAILED): delete it, check the pod execution role and ` +
          `subnets copied from ${original}, and the operator will try again. ${original} is untouched.`,
      );
    case 'DELETING':
    case 'DELETE_FAILED':
      return at(['Done', 'Failed', 'Pending'], `The replacement ${replacement} is ${r.status}, deleted by someone else; ${original} is kept.`);
  }
  if (!o) return at(['Done', 'Done', 'Done']);
  if (o.status === 'DELETING') return at(['Done', 'Done', 'InProgress']);
  if (o.status === 'DELETE_FAILED') {
    return at(
      ['Done', 'Done', 'Failed'],
      `EKS could not delete Fargate profile ${original} (DELETE_FAILED); see the EKS console for the cause and delete it by hand.`,
    );
  }
  if (refusal) return at(['Done', r.status === 'ACTIVE' ? 'Done' : 'Pending', 'Failed'], refusal.message, refusal.reason);
  // Only exactly ACTIVE lets the original go: a status this code does not know (UNKNOWN, a new one) is waited out.
  if (r.status !== 'ACTIVE') return at(['Done', 'InProgress', 'Pending']);
  return at(['Done', 'Done', 'Pending']);
}

/** Selector lists are equal as sets: EKS may return them in another order, and absent labels equal no labels. */
export function sameSelectors(a: readonly FargateSelector[], b: readonly FargateSelector[]): boolean {
  const canon = (list: readonly FargateSelector[]): string[] =>
    list.map((s) => JSON.stringify([s.namespace, Object.entries(s.labels ?? {}).sort(([x], [y]) => byOrdinal(x, y))])).sort();
  const [x, y] = [canon(a), canon(b)];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
