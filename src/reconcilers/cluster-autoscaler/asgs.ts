/**
 * The Auto Scaling groups behind the cluster's EKS node groups, and their Cluster Autoscaler discovery tags: the
 * pure plan says which tags each group lacks; the step adds them when spec.clusterAutoscaler.manageASGTags is true,
 * and only on a cluster verified as this one (reconcilers/aws/identity.ts).
 */
import type { AutoScalingGroup, AwsPorts } from '../../cloud/aws/ports.js';
import type { ClusterIdentity } from '../aws/identity.js';
import { missingDiscoveryTags } from './asg-tags.js';
import { byOrdinal } from '../../ordinal.js';

/** One row of status.clusterAutoscaler.autoScalingGroups. */
export interface AsgRow {
  readonly name: string;
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredCapacity: number;
  readonly tagged: boolean;
}

/** Status rows (by name) and the tags to add per group. */
export interface AsgPlan {
  readonly rows: AsgRow[];
  readonly toTag: { readonly name: string; readonly tags: Record<string, string> }[];
  /** Groups that lack tags and will keep lacking them (manageASGTags false). */
  readonly untagged: string[];
}

/** Pure: which groups lack discovery tags, and what status shows once the planned tags are added. */
export function planAsgTags(groups: readonly AutoScalingGroup[], clusterName: string, manage: boolean): AsgPlan {
  const sorted = [...groups].sort((a, b) => byOrdinal(a.name, b.name));
  const missing = sorted.map((g) => ({ name: g.name, tags: missingDiscoveryTags(g, clusterName) })).filter((m) => Object.keys(m.tags).length > 0);
  const lacking = new Set(missing.map((m) => m.name));
  return {
    rows: sorted.map((g) => ({
      name: g.name, minSize: g.minSize, maxSize: g.maxSize, desiredCapacity: g.desiredCapacity, tagged: manage || !lacking.has(g.name),
    })),
    toTag: manage ? missing : [],
    untagged: manage ? [] : [...lacking],
  };
}

/** The plan carried out, or (`unverified`: why) the groups as they are, untouched. */
export interface AsgOutcome {
  readonly plan: AsgPlan;
  readonly unverified?: string;
}

/**
 * Reads node groups → ASGs and adds missing tags if asked, once `verify` says the cluster is this one; the plan's rows
 * reflect the tags just added, or, when nothing was written, the groups as they are.
 */
export async function reconcileAsgTags(
  aws: Pick<AwsPorts, 'eks' | 'autoScaling'>, clusterName: string, manage: boolean, verify: () => Promise<ClusterIdentity>,
): Promise<AsgOutcome> {
  const nodegroups = await Promise.all((await aws.eks.listNodegroups(clusterName)).map((ng) => aws.eks.describeNodegroup(clusterName, ng)));
  const names = nodegroups.flatMap((ng) => ng.autoScalingGroups);
  const groups = names.length > 0 ? await aws.autoScaling.describeAutoScalingGroups(names) : [];
  const plan = planAsgTags(groups, clusterName, manage);
  if (plan.toTag.length === 0) return { plan };
  const identity = await verify();
  if (!identity.verified) return { plan: planAsgTags(groups, clusterName, false), unverified: identity.message };
  for (const t of plan.toTag) await aws.autoScaling.createOrUpdateTags(t.name, t.tags);
  return { plan };
}
