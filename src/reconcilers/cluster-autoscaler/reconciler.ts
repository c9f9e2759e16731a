/**
 * ClusterAutoscalerReady (seed 003): the service account's IRSA annotation, IRSA end to end, the node groups' ASG
 * discovery tags, and optionally Cluster Autoscaler itself. Each step reports a finding; one failing does not hide
 * the others, so the condition names every problem at once. Absent spec.clusterAutoscaler: nothing is done.
 */
import type { V1ServiceAccount } from '@kubernetes/client-node';
import { ConditionType, type ConditionReason } from '../../api/v1alpha1/conditions.js';
import type { ObjectClient } from '../../kube/client.js';
import { AwsError } from '../../cloud/aws/errors.js';
import { AWS_TTL_MS } from '../../cloud/aws/ttl.js';
import type { Applier } from '../../kube/applier.js';
import { awsFailure } from '../aws/condition.js';
import { IDENTITY_UNVERIFIED } from '../aws/identity.js';
import { FailureRecheck } from '../aws/recheck.js';
import type { AwsSession, AwsSessionSource } from '../aws/session.js';
import type { ObjectCache, OwningReconciler, StackContext } from '../stack/context.js';
import { wantsExactly, wantsUnknown, type OwningResult } from '../stack/wanted.js';
import { unmanagedNamespace } from '../stack/managed-namespaces.js';
import { asgFinding, decideClusterAutoscaler, type Finding } from './decision.js';
import { deployClusterAutoscaler } from './deploy.js';
import { checkIrsa } from './irsa/check.js';
import { reconcileAsgTags } from './asgs.js';
import { annotateServiceAccount } from './service-account.js';

export interface ClusterAutoscalerDeps {
  readonly aws: AwsSessionSource;
  readonly objects: ObjectClient;
  readonly serviceAccounts: ObjectCache<V1ServiceAccount>;
  readonly applier: Applier;
  /** The operator's own IRSA role ($AWS_ROLE_ARN), named in AccessDenied messages. */
  readonly operatorRoleArn?: string | undefined;
  /** --managed-namespaces: the service account is annotated (and CA deployed) only in one of them (undefined: any). */
  readonly managedNamespaces?: readonly string[] | undefined;
}

/** Reasons whose cause lives in AWS: while one stands, IAM and Auto Scaling answers are re-read every few minutes. */
const AWS_SIDE = new Set<ConditionReason>([
  'RoleTrustPolicyMismatch', 'OIDCProviderMissing', 'NotFound', 'ASGDiscoveryTagsMissing', 'NoAutoScalingGroups', 'AccessDenied', 'AWSError', 'ClusterUnknown',
  IDENTITY_UNVERIFIED,
]);

export class ClusterAutoscalerReconciler implements OwningReconciler {
  readonly name = 'cluster-autoscaler';
  readonly owns = 'objects';
  readonly reads = ['nodeFacts'] as const;
  readonly #recheck = new FailureRecheck();

  constructor(private readonly d: ClusterAutoscalerDeps) {}

  async reconcile(ctx: StackContext): Promise<OwningResult> {
    const ca = ctx.spec.clusterAutoscaler;
    if (!ca) {
      ctx.removeCondition(ConditionType.ClusterAutoscalerReady);
      delete ctx.status.clusterAutoscaler;
      return wantsExactly([]); // the spec no longer asks for it
    }
    // Only a role to annotate (and deploy with) makes the operator write in the service account's namespace.
    const refused = ca.roleARN ? unmanagedNamespace(this.d.managedNamespaces, ca.serviceAccount.namespace,
      'spec.clusterAutoscaler.serviceAccount.namespace', "Cluster Autoscaler's service account") : undefined;
    if (refused) {
      ctx.setCondition({ type: ConditionType.ClusterAutoscalerReady, status: 'False', reason: 'InvalidSpec', message: refused });
      return wantsUnknown(refused);
    }
    if (ctx.nodeFacts?.kind !== 'EKS') {
      delete ctx.status.clusterAutoscaler;
      ctx.setCondition({
        type: ConditionType.ClusterAutoscalerReady, status: 'False', reason: 'NotApplicable',
        message:
          'spec.clusterAutoscaler is set, but this cluster is not Amazon EKS (no node has an aws:// providerID or eks.amazonaws.com labels): ' +
          "IRSA and ASG discovery tags are EKS features. Remove spec.clusterAutoscaler, or set it on the EKS cluster's MetricsStack.",
      });
      return wantsUnknown('the cluster does not look like EKS this pass');
    }
    let session: AwsSession;
    try {
      session = await this.d.aws.resolve(ctx);
    } catch (err) {
      const failure = awsFailure(ConditionType.ClusterAutoscalerReady, 'identifying the EKS cluster', err, this.d.operatorRoleArn);
      return wantsUnknown(failure.condition.message, this.#failed(ctx, failure, err).requeueAfterMs);
    }
    this.#recheck.maybeRefresh(ctx, session, ConditionType.ClusterAutoscalerReady, ['iam', 'autoscaling', 'eks'], AWS_SIDE);

    const findings: Finding[] = [];
    const retryable: unknown[] = [];
    const step = async (doing: string, run: () => Promise<Finding>): Promise<void> => {
      try {
        findings.push(await run());
      } catch (err) {
        // Kubernetes API errors fail the pass (backoff, no pruning); AWS errors become findings beside the others.
        if (!(err instanceof AwsError)) throw err;
        const failure = awsFailure(ConditionType.ClusterAutoscalerReady, doing, err, this.d.operatorRoleArn);
        if (failure.retryable) retryable.push(err);
        const { reason, message, status } = failure.condition;
        findings.push({ ok: false, reason, message, status: status === 'Unknown' ? 'Unknown' : 'False' });
      }
    };
    const sa = ca.serviceAccount;
    const roleArn = ca.roleARN;
    let annotated = false;
    if (roleArn) {
      await step(`annotating ServiceAccount ${sa.namespace}/${sa.name}`, async () => {
        const out = await annotateServiceAccount(this.d, ctx, sa, roleArn);
        if (out.result === 'conflict') return { ok: false, reason: 'Conflict', message: out.message };
        annotated = true;
        return { ok: true, message: `ServiceAccount ${sa.namespace}/${sa.name} is annotated with ${roleArn}.` };
      });
      await step(`checking IRSA for role ${roleArn}`, () => checkIrsa(session.ports, session.clusterName, roleArn, sa));
    } else {
      findings.push({ ok: true, message: 'No roleARN is set, so the service account annotation and IRSA were not checked.' });
    }
    let groups: { name: string; minSize: number; maxSize: number; desiredCapacity: number; tagged: boolean }[] | undefined;
    await step(`reading the Auto Scaling groups of cluster ${session.clusterName}`, async () => {
      const out = await reconcileAsgTags(session.ports, session.clusterName, ca.manageASGTags, () => this.d.aws.verifyIdentity(ctx, session));
      groups = out.plan.rows;
      return out.unverified ? { ok: false, reason: IDENTITY_UNVERIFIED, message: out.unverified } : asgFinding(out.plan, session.clusterName);
    });
    let deployed = true;
    if (ca.deploy && roleArn) {
      await step(`deploying Cluster Autoscaler to cluster ${session.clusterName}`, async () => {
        deployed = false;
        const finding = await deployClusterAutoscaler(this.d.applier, ctx, session, ca);
        deployed = finding.ok;
        return finding;
      });
    }

    ctx.status.clusterAutoscaler = { ...(annotated && roleArn ? { roleARN: roleArn } : {}), ...(groups ? { autoScalingGroups: groups } : {}) };
    const condition = decideClusterAutoscaler(findings);
    ctx.setCondition(condition);
    if (retryable.length > 0) throw new AggregateError(retryable, condition.message);
    const requeueAfterMs = condition.status === 'True' ? undefined : AWS_TTL_MS.failureRecheck;
    // Not deployed this pass (AWS did not say the version, a conflict): what was deployed before stays.
    return deployed ? wantsExactly(ctx.recorded(), requeueAfterMs) : wantsUnknown(condition.message, requeueAfterMs);
  }

  #failed(ctx: StackContext, failure: ReturnType<typeof awsFailure>, err: unknown): { requeueAfterMs?: number } {
    ctx.setCondition(failure.condition);
    if (failure.retryable) throw err;
    return { requeueAfterMs: AWS_TTL_MS.failureRecheck };
  }
}
