/**
 * Strategy RecreateProfile as a pure function of (profiles, spec, status) → (plan, next action). Fargate profiles are
 * immutable, so each requested change is: create the replacement → wait until ACTIVE → delete the original. Rules:
 * - never delete an original before its replacement is ACTIVE (deleting a profile deletes its pods);
 * - never create or delete while any profile of the cluster is CREATING or DELETING: EKS refuses a new profile while
 *   one is DELETING, and serialising all changes is what eksctl does too;
 * - replacements run one at a time, in spec order, and stop at the first failure;
 * - a replacement must not select metrics-server's pods and must keep everything else its original selects
 *   (coverage.ts), checked before it is created and before its original is deleted;
 * - only a replacement that is exactly ACTIVE lets its original be deleted;
 * - dryRun computes the plan and does nothing.
 */
import type { FargateProfile } from '../../../cloud/aws/ports.js';
import { TRANSITIONAL_FARGATE_STATUSES } from '../../../cloud/aws/ttl.js';
import type { CoverageFacts } from './coverage.js';
import {
  type PlanStep,
  type ProfileReplacement,
  type ReplacementState,
  replacementState,
  type StepAction,
} from './plan-steps.js';

export { replacementNameFor, type PlanStep, type ProfileReplacement } from './plan-steps.js';

/** spec.fargate.recreateProfile. */
export interface RecreateSpec {
  readonly dryRun: boolean;
  readonly profiles: readonly ProfileReplacement[];
}

/** status.fargate as persisted by the last reconcile. */
export interface RecreateStatus {
  readonly phase?: RecreatePhase;
  readonly plan?: readonly PlanStep[];
}

/** Overall progress, as in status.fargate.phase. */
export type RecreatePhase = 'Planned' | 'InProgress' | 'Completed' | 'Failed';

/** The one AWS change to make now, or why to wait. The caller requeues after a Wait (profiles on the short TTL). */
export type NextAction =
  | { readonly type: 'None' }
  | {
      readonly type: 'Create';
      readonly profile: string;
      readonly replaces: string;
      readonly podExecutionRoleArn: string;
      readonly subnets: readonly string[];
      readonly selectors: ProfileReplacement['selectors'];
    }
  | { readonly type: 'Delete'; readonly profile: string }
  | { readonly type: 'Wait'; readonly profile: string; readonly until: 'Active' | 'Deleted' | 'Settled' };

/** The plan to persist in status, the next AWS change to make, and the condition message. */
export interface RecreateDecision {
  readonly phase: RecreatePhase;
  readonly plan: PlanStep[];
  readonly nextAction: NextAction;
  /** For the FargatePlacementSafe condition: what is happening or what to fix. */
  readonly message: string;
  /** With phase Failed, when the failure is a refused replacement rather than RecreateProfileFailed. */
  readonly reason?: ReplacementState['failureReason'];
}

const ACTIONS: readonly StepAction[] = ['Create', 'WaitActive', 'Delete'];

/** Decides the next step of the profile recreation. Pure: same inputs, same answer, so a restart resumes. */
export function planProfileRecreation(
  profiles: readonly FargateProfile[], spec: RecreateSpec, status: RecreateStatus, coverage: CoverageFacts,
): RecreateDecision {
  const byName = new Map(profiles.map((p) => [p.name, p]));
  const entries = spec.profiles.map((e) => replacementState(e, byName, status.plan ?? [], coverage));
  const plan = entries.flatMap((e, i) =>
    ACTIONS.map((action, j): PlanStep => ({ step: i * 3 + j + 1, profile: j === 2 ? e.original : e.replacement, action, state: e.states[j]! })),
  );
  const decide = (phase: RecreatePhase, nextAction: NextAction, message: string): RecreateDecision => ({ phase, plan, nextAction, message });

  const failed = entries.find((e) => e.failure);
  if (failed?.failure) {
    const refused = decide('Failed', { type: 'None' }, failed.failure);
    return failed.failureReason ? { ...refused, reason: failed.failureReason } : refused;
  }
  const index = entries.findIndex((e) => e.states.some((s) => s !== 'Done'));
  if (index === -1) {
    return decide('Completed', { type: 'None' }, `Recreated ${entries.map((e) => `${e.original} as ${e.replacement}`).join(', ')}.`);
  }
  if (spec.dryRun) {
    const steps = entries.map((e) => `create ${e.replacement}, wait until ACTIVE, delete ${e.original}`).join('; then ');
    return decide(
      'Planned',
      { type: 'None' },
      `Plan only (dryRun): ${steps}. Deleting a profile deletes its pods: set fargate.recreateProfile.dryRun to false to carry it out.`,
    );
  }

  const entry = entries[index] as ReplacementState;
  const [create, waitActive, del] = entry.states;
  const mark = (j: number): void => {
    plan[index * 3 + j] = { ...plan[index * 3 + j]!, state: 'InProgress' };
  };
  const progress = (nextAction: NextAction, message: string): RecreateDecision => decide('InProgress', nextAction, message);
  // Any profile mid-change blocks our next write (our own CREATING replacement and DELETING original are waited on first).
  const busy = profiles.find((p) => TRANSITIONAL_FARGATE_STATUSES.has(p.status));

  if (waitActive === 'InProgress') {
    const status = byName.get(entry.replacement)?.status;
    const odd = status && status !== 'CREATING' ? ` (EKS reports ${status})` : '';
    return progress(
      { type: 'Wait', profile: entry.replacement, until: 'Active' },
      `Waiting for Fargate profile ${entry.replacement} to become ACTIVE${odd} before deleting ${entry.original}.`,
    );
  }
  if (del === 'InProgress') {
    return progress({ type: 'Wait', profile: entry.original, until: 'Deleted' }, `Waiting for Fargate profile ${entry.original} to finish deleting.`);
  }
  if (busy) {
    return progress(
      { type: 'Wait', profile: busy.name, until: 'Settled' },
      `Waiting for Fargate profile ${busy.name} to finish ${busy.status}: EKS changes one profile at a time.`,
    );
  }
  if (create === 'Pending') {
    const original = byName.get(entry.original) as FargateProfile;
    mark(0);
    return progress(
      {
        type: 'Create',
        profile: entry.replacement,
        replaces: entry.original,
        podExecutionRoleArn: original.podExecutionRoleArn,
        subnets: original.subnets,
        selectors: spec.profiles[index]!.selectors,
      },
      `Creating Fargate profile ${entry.replacement} to replace ${entry.original}.`,
    );
  }
  mark(2);
  return progress({ type: 'Delete', profile: entry.original }, `Deleting Fargate profile ${entry.original}: ${entry.replacement} is ACTIVE.`);
}
