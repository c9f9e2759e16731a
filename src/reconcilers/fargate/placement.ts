/**
 * FargatePlacement, before the backends: decides where metrics-server runs (ctx.placement: namespace, EC2 annotation,
 * node affinity) and checks the chosen strategy against the cluster's Fargate profiles. What can only be known after
 * the apply (where the pods actually landed) is left for the {@link FargatePlacementVerifier} in ctx.placementCheck.
 */
import type { V1APIService } from '@kubernetes/client-node';
import { AwsError } from '../../cloud/aws/errors.js';
import type { FargateProfile } from '../../cloud/aws/ports.js';
import { AWS_TTL_MS } from '../../cloud/aws/ttl.js';
import { ConditionType, type ConditionReason } from '../../api/v1alpha1/conditions.js';
import type { ObjectClient } from '../../kube/client.js';
import { METRICS_API_SERVICE_NAME } from '../../render/metrics-server/apiservice.js';
import { commonLabels, METRICS_SERVER_NAME } from '../../render/metrics-server/labels.js';
import { awsFailure } from '../aws/condition.js';
import { IDENTITY_UNVERIFIED } from '../aws/identity.js';
import { FailureRecheck } from '../aws/recheck.js';
import type { AwsSession, AwsSessionSource } from '../aws/session.js';
import type { ObjectCache, StackContext, ObservingReconciler } from '../stack/context.js';
import { matchingProfiles, type PodPlacementKey } from './profile-match.js';
import type { RecreateSpec } from './recreate/plan.js';
import { summarizeNodes } from '../platform/node-facts.js';
import { decideNamespace, decidePlacement, describeProfiles } from './decision.js';
import { readFargateProfiles } from './profiles.js';
import { readCoverageFacts } from './recreate/live-pods.js';
import { stepProfileRecreation, type RecreateIO, type RecreateOutcome } from './recreate/step.js';
import { recreateWriteRefusal } from './recreate/write-gate.js';

export interface FargatePlacementDeps {
  readonly aws: AwsSessionSource;
  /** The operator's own IRSA role ($AWS_ROLE_ARN), named in AccessDenied messages. */
  readonly operatorRoleArn?: string | undefined;
  /** Lists the pods a replacement profile is checked against (RecreateProfile only, while an original remains). */
  readonly objects: Pick<ObjectClient, 'listKind'>;
  /** Our APIServices: only the stack that owns v1beta1.metrics.k8s.io may recreate profiles. */
  readonly apiServices: ObjectCache<V1APIService>;
}

/** Failing verdicts whose cause lives in AWS: while one stands, the profiles are re-read every few minutes. */
const AWS_SIDE_FAILURES = new Set<ConditionReason>([
  'SelectedByFargateProfile', 'RecreateProfileFailed', 'AccessDenied', 'NotFound', 'AWSError', 'ClusterUnknown', IDENTITY_UNVERIFIED,
]);

/** Sets ctx.placement and the FargatePlacementSafe verdict that needs no pod check, or the check (ctx.placementCheck). */
export class FargatePlacement implements ObservingReconciler {
  readonly name = 'fargate-placement';
  readonly owns = 'nothing';
  readonly reads = ['nodeFacts'] as const;
  readonly provides = ['placement', 'placementCheck'] as const;
  readonly #recheck = new FailureRecheck();

  constructor(private readonly d: FargatePlacementDeps) {}

  async reconcile(ctx: StackContext): Promise<{ requeueAfterMs?: number }> {
    const facts = ctx.nodeFacts ?? summarizeNodes([]);
    const { fargate, metricsServer } = ctx.spec;
    const decision = decidePlacement({
      kind: facts.kind, provider: ctx.spec.resourceMetrics.provider, placement: fargate.placement, strategy: fargate.strategy,
      namespace: metricsServer.namespace, fargateNamespace: fargate.namespace,
      ec2Nodes: facts.ec2Nodes, fargateNodes: facts.fargateNodes,
    });
    ctx.placement = decision.placement;
    if (fargate.strategy !== 'RecreateProfile') delete ctx.status.fargate;
    if (decision.condition) {
      ctx.setCondition(decision.condition);
      return {};
    }
    const pod: PodPlacementKey = {
      namespace: decision.placement.namespace,
      labels: commonLabels({ name: METRICS_SERVER_NAME, owner: ctx.name }),
    };
    let session: AwsSession | undefined;
    let profiles: FargateProfile[];
    try {
      session = await this.d.aws.resolve(ctx);
      this.#recheck.maybeRefresh(ctx, session, ConditionType.FargatePlacementSafe, ['eks'], AWS_SIDE_FAILURES);
      profiles = await readFargateProfiles(session.ports.eks, session.clusterName);
    } catch (err) {
      const what = `reading the Fargate profiles${session ? ` of cluster ${session.clusterName}` : ''}`;
      const failure = awsFailure(ConditionType.FargatePlacementSafe, what, err, this.d.operatorRoleArn);
      if (fargate.strategy === 'Annotate') {
        // Annotate does not depend on the profiles: the pods themselves are the proof, so AWS trouble is only noted.
        ctx.placementCheck = {
          reason: 'PodsOnEC2',
          message: 'The pods carry eks.amazonaws.com/compute-type: ec2 and avoid Fargate nodes ' +
            `(the Fargate profiles could not be read: ${failure.condition.message}).`,
        };
        return { requeueAfterMs: AWS_TTL_MS.failureRecheck };
      }
      ctx.setCondition(failure.condition);
      if (failure.retryable) throw err;
      return { requeueAfterMs: AWS_TTL_MS.failureRecheck };
    }

    switch (fargate.strategy) {
      case 'Annotate': {
        const hits = matchingProfiles(profiles, pod);
        const message = hits.length > 0
          ? `Fargate profile ${describeProfiles(hits)} selects metrics-server's pods; ` +
            'their eks.amazonaws.com/compute-type: ec2 annotation and node affinity keep them on EC2.'
          : `No Fargate profile selects metrics-server's pods, which also carry eks.amazonaws.com/compute-type: ec2 and avoid Fargate nodes.`;
        ctx.placementCheck = { reason: 'PodsOnEC2', message };
        return {};
      }
      case 'Namespace': {
        const selected = decideNamespace(profiles, pod);
        if (selected) {
          ctx.setCondition(selected);
          return { requeueAfterMs: AWS_TTL_MS.failureRecheck };
        }
        ctx.placementCheck = {
          reason: 'NotSelectedByFargateProfile',
          message: `No Fargate profile selects namespace ${pod.namespace} for metrics-server's pods.`,
        };
        return {};
      }
      case 'RecreateProfile': {
        const spec = fargate.recreateProfile ?? { dryRun: true, profiles: [] };
        const outcome = await this.#recreate(ctx, session, profiles, spec, pod);
        if ('verifyOk' in outcome) {
          ctx.placementCheck = outcome.verifyOk;
          return {};
        }
        ctx.setCondition(outcome.condition);
        return outcome.requeueAfterMs !== undefined ? { requeueAfterMs: outcome.requeueAfterMs } : {};
      }
    }
  }

  async #recreate(
    ctx: StackContext, session: AwsSession, profiles: FargateProfile[], spec: RecreateSpec, pod: PodPlacementKey,
  ): Promise<RecreateOutcome> {
    const io: RecreateIO = {
      eks: session.ports.eks,
      clusterName: session.clusterName,
      coverage: (originals) => readCoverageFacts(this.d.objects, originals, pod),
      mayWrite: () => recreateWriteRefusal(this.d.apiServices.get(METRICS_API_SERVICE_NAME), ctx.name, () => this.d.aws.verifyIdentity(ctx, session)),
    };
    try {
      return await stepProfileRecreation(ctx, io, profiles, spec, pod);
    } catch (err) {
        // A failed pod list (the Kubernetes API) fails the pass, with backoff; AWS errors become the condition.
        if (!(err instanceof AwsError)) throw err;
      const doing = `recreating Fargate profiles of cluster ${session.clusterName}`;
      const failure = awsFailure(ConditionType.FargatePlacementSafe, doing, err, this.d.operatorRoleArn);
      ctx.setCondition(failure.condition);
      if (failure.retryable) throw err;
      return { condition: failure.condition, requeueAfterMs: AWS_TTL_MS.failureRecheck };
    }
  }
}
