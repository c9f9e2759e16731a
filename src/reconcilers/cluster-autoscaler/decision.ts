/** ClusterAutoscalerReady from the findings of each step, as a pure fold: every problem is named, the first sets the reason. */
import { ConditionType } from '../../api/v1alpha1/conditions.js';
import type { ConditionInput } from '../../kube/conditions.js';
import { CA_ENABLED_TAG, caClusterTag } from '../../render/cluster-autoscaler/discovery-tags.js';
import { IDENTITY_UNVERIFIED } from '../aws/identity.js';
import type { AsgPlan } from './asgs.js';

/** What one step found: fine (with a sentence for the True message), or a problem with its reason. */
export type Finding =
  | { readonly ok: true; readonly message: string }
  | { readonly ok: false; readonly reason: ConditionInput['reason']; readonly message: string; readonly status?: 'False' | 'Unknown' };

/**
 * Folds the findings, in step order, into the condition. An unverified cluster goes first: every other finding is
 * about a cluster that may not be this one.
 */
export function decideClusterAutoscaler(findings: readonly Finding[]): ConditionInput {
  const type = ConditionType.ClusterAutoscalerReady;
  const rank = (f: Finding): number => (!f.ok && f.reason === IDENTITY_UNVERIFIED ? 0 : 1);
  const problems = findings.filter((f): f is Extract<Finding, { ok: false }> => !f.ok).sort((a, b) => rank(a) - rank(b));
  if (problems.length > 0) {
    const status = problems.some((p) => (p.status ?? 'False') === 'False') ? 'False' : 'Unknown';
    return { type, status, reason: problems[0]!.reason, message: problems.map((p) => p.message).join(' ') };
  }
  return { type, status: 'True', reason: 'ClusterAutoscalerConfigured', message: findings.map((f) => f.message).join(' ') };
}

/** The Auto Scaling groups step as a finding. `added` lists groups the operator tagged on this pass. */
export function asgFinding(plan: AsgPlan, clusterName: string): Finding {
  const tags = `${CA_ENABLED_TAG} and ${caClusterTag(clusterName)}`;
  if (plan.rows.length === 0) {
    return {
      ok: false,
      reason: 'NoAutoScalingGroups',
      message:
        `EKS cluster ${clusterName} has no managed node group with an Auto Scaling group, so Cluster Autoscaler has nothing to discover. ` +
        `Add a managed node group, or tag a self-managed group with ${tags}.`,
    };
  }
  if (plan.untagged.length > 0) {
    const first = plan.untagged[0]!;
    const one = plan.untagged.length === 1;
    return {
      ok: false,
      reason: 'ASGDiscoveryTagsMissing',
      message:
        `Auto Scaling group${one ? '' : 's'} ${plan.untagged.join(', ')} lack${one ? 's' : ''} the discovery tags ${tags}, so ` +
        `Cluster Autoscaler will not find ${one ? 'it' : 'them'}. Set spec.clusterAutoscaler.manageASGTags: true, or run aws autoscaling ` +
        `create-or-update-tags --tags ResourceId=${first},ResourceType=auto-scaling-group,Key=${CA_ENABLED_TAG},Value=true,PropagateAtLaunch=false ` +
        `ResourceId=${first},ResourceType=auto-scaling-group,Key=${caClusterTag(clusterName)},Value=owned,PropagateAtLaunch=false.`,
    };
  }
  const rows = plan.rows.map((r) => `${r.name} (min ${r.minSize}, max ${r.maxSize}, desired ${r.desiredCapacity})`).join(', ');
  const added = plan.toTag.length > 0 ? ` Added the tags to ${plan.toTag.map((t) => t.name).join(', ')}.` : '';
  return { ok: true, message: `Auto Scaling groups carry the discovery tags: ${rows}.${added}` };
}
