/**
 * Strategy RecreateProfile, one step per reconcile: the pure planner decides from AWS and the persisted plan, this
 * makes at most one AWS write, records the plan in status.fargate and says when to look again. Progress lives in AWS
 * itself plus status.fargate.plan, so a restarted operator resumes where the last one stopped.
 */
import type { EKSPort, FargateProfile } from '../../../cloud/aws/ports.js';
import { AWS_TTL_MS } from '../../../cloud/aws/ttl.js';
import { ConditionType, type ConditionReason } from '../../../api/v1alpha1/conditions.js';
import type { ConditionInput } from '../../../kube/conditions.js';
import type { PlacementCheck, StackContext } from '../../stack/context.js';
import { matchingProfiles, type PodPlacementKey } from '../profile-match.js';
import { planProfileRecreation, type RecreateSpec } from './plan.js';
import { describeProfiles } from '../decision.js';

/** After our own write, look again this soon: moto is done at once, and EKS reports CREATING/DELETING right away. */
export const AFTER_WRITE_REQUEUE_MS = 2_000;

/** What the step came to: a condition to set now, or the True verdict to report once the pods are verified. */
export type RecreateOutcome =
  | { readonly condition: ConditionInput; readonly requeueAfterMs?: number }
  | { readonly verifyOk: PlacementCheck };

const cond = (status: 'True' | 'False' | 'Unknown', reason: ConditionReason, message: string): ConditionInput => ({
  type: ConditionType.FargatePlacementSafe, status, reason, message,
});

/** Plans, persists and takes the next step of the recreation. */
export async function stepProfileRecreation(
  ctx: StackContext,
  eks: EKSPort,
  clusterName: string,
  profiles: readonly FargateProfile[],
  spec: RecreateSpec,
  pod: PodPlacementKey,
): Promise<RecreateOutcome> {
  const decision = planProfileRecreation(profiles, spec, ctx.status.fargate ?? {});
  ctx.status.fargate = { phase: decision.phase, plan: decision.plan };
  const next = decision.nextAction;
  if (next.type === 'Create') {
    ctx.log.info({ profile: next.profile, replaces: next.replaces }, 'creating the replacement Fargate profile');
    await eks.createFargateProfile({
      clusterName,
      name: next.profile,
      podExecutionRoleArn: next.podExecutionRoleArn,
      subnets: next.subnets,
      selectors: next.selectors,
      tags: { 'metricsstack.io/owner': ctx.name, 'metricsstack.io/replaces': next.replaces },
    });
  } else if (next.type === 'Delete') {
    ctx.log.info({ profile: next.profile }, 'deleting the original Fargate profile; its replacement is ACTIVE');
    await eks.deleteFargateProfile(clusterName, next.profile);
  }
  switch (decision.phase) {
    case 'Planned':
      return { condition: cond('False', 'RecreationPlanned', decision.message) };
    case 'Failed':
      return { condition: cond('False', 'RecreateProfileFailed', decision.message), requeueAfterMs: AWS_TTL_MS.failureRecheck };
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
