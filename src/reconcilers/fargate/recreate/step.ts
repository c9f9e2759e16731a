/**
 * Strategy RecreateProfile, one step per reconcile: the pure planner decides from AWS and the persisted plan, this
 * makes at most one AWS write, records the plan in status.fargate and says when to look again. Progress lives in AWS
 * itself plus status.fargate.plan, so a restarted operator resumes where the last one stopped. A delete is decided on
 * an uncached read of its replacement, and every write first passes the gate (write-gate.ts).
 */
import { ignoreAwsNotFound } from '../../../cloud/aws/errors.js';
import type { EKSPort, FargateProfile } from '../../../cloud/aws/ports.js';
import { AWS_TTL_MS } from '../../../cloud/aws/ttl.js';
import { ConditionType, type ConditionReason } from '../../../api/v1alpha1/conditions.js';
import type { ConditionInput } from '../../../kube/conditions.js';
import type { PlacementCheck, StackContext } from '../../stack/context.js';
import { matchingProfiles, type PodPlacementKey } from '../profile-match.js';
import type { CoverageFacts } from './coverage.js';
import { planProfileRecreation, replacementNameFor, type NextAction, type PlanStep, type RecreateSpec } from './plan.js';
import { describeProfiles } from '../decision.js';

/** After our own write, look again this soon: moto is done at once, and EKS reports CREATING/DELETING right away. */
export const AFTER_WRITE_REQUEUE_MS = 2_000;

/** What the step came to: a condition to set now, or the True verdict to report once the pods are verified. */
export type RecreateOutcome =
  | { readonly condition: ConditionInput; readonly requeueAfterMs?: number }
  | { readonly verifyOk: PlacementCheck };

/** The AWS port and cluster, the reads the safety checks need, and the gate every write passes. */
export interface RecreateIO {
  readonly eks: EKSPort;
  readonly clusterName: string;
  /** The pods the replacements of these originals are checked against (coverage.ts). */
  readonly coverage: (originals: readonly FargateProfile[]) => Promise<CoverageFacts>;
  /** Undefined when this stack may write to AWS now, else the condition saying why not. */
  readonly mayWrite: () => Promise<ConditionInput | undefined>;
}

const cond = (status: 'True' | 'False' | 'Unknown', reason: ConditionReason, message: string): ConditionInput => ({
  type: ConditionType.FargatePlacementSafe, status, reason, message,
});

/** Plans, persists and takes the next step of the recreation. */
export async function stepProfileRecreation(
  ctx: StackContext, io: RecreateIO, cached: readonly FargateProfile[], spec: RecreateSpec, pod: PodPlacementKey,
): Promise<RecreateOutcome> {
  const persisted = ctx.status.fargate ?? {};
  const coverage = await io.coverage(cached.filter((p) => spec.profiles.some((e) => e.name === p.name)));
  let profiles = cached;
  let decision = planProfileRecreation(profiles, spec, persisted, coverage);
  if (decision.nextAction.type === 'Delete') {
    // Deleting the original deletes its pods: plan again on what AWS says of the replacement now, not on the cache.
    profiles = await withFreshReplacement(io, profiles, spec, decision.nextAction.profile);
    decision = planProfileRecreation(profiles, spec, persisted, coverage);
  }
  const next = decision.nextAction;
  const refused = next.type === 'Create' || next.type === 'Delete' ? await io.mayWrite() : undefined;
  if (refused) {
    ctx.status.fargate = { phase: 'Planned', plan: unmark(decision.plan, next) };
    return { condition: refused, requeueAfterMs: AWS_TTL_MS.failureRecheck };
  }
  ctx.status.fargate = { phase: decision.phase, plan: decision.plan };
  if (next.type === 'Create') {
    ctx.log.info({ profile: next.profile, replaces: next.replaces }, 'creating the replacement Fargate profile');
    await io.eks.createFargateProfile({
      clusterName: io.clusterName,
      name: next.profile,
      podExecutionRoleArn: next.podExecutionRoleArn,
      subnets: next.subnets,
      selectors: next.selectors,
      tags: { 'metricsstack.io/owner': ctx.name, 'metricsstack.io/replaces': next.replaces },
    });
  } else if (next.type === 'Delete') {
    ctx.log.info({ profile: next.profile }, 'deleting the original Fargate profile; an uncached read shows its replacement ACTIVE');
    await io.eks.deleteFargateProfile(io.clusterName, next.profile);
  }
  switch (decision.phase) {
    case 'Planned':
      return { condition: cond('False', 'RecreationPlanned', decision.message) };
    case 'Failed':
      return { condition: cond('False', decision.reason ?? 'RecreateProfileFailed', decision.message), requeueAfterMs: AWS_TTL_MS.failureRecheck };
    case 'InProgress': {
      const wrote = next.type === 'Create' || next.type === 'Delete';
      const requeueAfterMs = wrote ? AFTER_WRITE_REQUEUE_MS : AWS_TTL_MS.fargateTransitioning;
      return { condition: cond('Unknown', 'RecreatingProfile', decision.message), requeueAfterMs };
    }
    case 'Completed': {
      const hits = matchingProfiles(profiles, pod);
      if (hits.length > 0) {
        const message = `${decision.message} But Fargate profile ${describeProfiles(hits)} still selects metrics-server's pods ` +
          `in namespace ${pod.namespace}: add it to fargate.recreateProfile.profiles with selectors that do not match them.`;
        return { condition: cond('False', 'SelectedByFargateProfile', message) };
      }
      return { verifyOk: { reason: 'NotSelectedByFargateProfile', message: `${decision.message} No Fargate profile selects metrics-server's pods.` } };
    }
  }
}

/** `profiles` with the replacement of `original` as an uncached read shows it (absent when it is gone). */
async function withFreshReplacement(io: RecreateIO, profiles: readonly FargateProfile[], spec: RecreateSpec, original: string): Promise<FargateProfile[]> {
  const entry = spec.profiles.find((e) => e.name === original);
  const name = entry?.replacementName ?? replacementNameFor(original);
  const fresh = await ignoreAwsNotFound(io.eks.describeFargateProfile(io.clusterName, name, { uncached: true }));
  return [...profiles.filter((p) => p.name !== name), ...(fresh ? [fresh] : [])];
}

/** The plan as it stands when the write the planner marked InProgress is not made. */
const unmark = (plan: readonly PlanStep[], next: NextAction): PlanStep[] =>
  plan.map((s) => (s.state === 'InProgress' && s.action === next.type && 'profile' in next && s.profile === next.profile ? { ...s, state: 'Pending' } : s));
