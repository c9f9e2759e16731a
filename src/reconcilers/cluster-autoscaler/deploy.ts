/**
 * deploy: true — renders Cluster Autoscaler for this cluster (auto-discovery by tags, an image whose minor version
 * matches the cluster's, scale-down settings from the spec) and applies it with the usual ownership rules.
 */
import type { Applier } from '../../kube/applier.js';
import { CLUSTER_AUTOSCALER_NAME, renderClusterAutoscaler } from '../../render/cluster-autoscaler/index.js';
import { applySet } from '../stack/apply-set.js';
import type { AwsSession } from '../aws/session.js';
import type { StackContext } from '../stack/context.js';
import { clusterAutoscalerImage } from './asg-tags.js';
import type { Finding } from './decision.js';

type CaSpec = NonNullable<StackContext['spec']['clusterAutoscaler']>;

/** Applies the Cluster Autoscaler objects; a finding that is not ok makes the pass keep the previous ones. */
export async function deployClusterAutoscaler(applier: Applier, ctx: StackContext, session: AwsSession, ca: CaSpec): Promise<Finding> {
  let image = ca.image;
  image ??= clusterAutoscalerImage((await session.ports.eks.describeCluster(session.clusterName)).version);
  if (!image) {
    const message = `Cannot tell the Kubernetes version of EKS cluster ${session.clusterName} to pick a Cluster Autoscaler image: ` +
      'set spec.clusterAutoscaler.image.';
    return { ok: false, reason: 'InvalidSpec', message };
  }
  const objects = renderClusterAutoscaler({
    name: CLUSTER_AUTOSCALER_NAME,
    namespace: ca.serviceAccount.namespace,
    serviceAccountName: ca.serviceAccount.name,
    clusterName: session.clusterName,
    region: session.region,
    image,
    scaleDown: ca.scaleDown,
    owner: ctx.name,
  });
  const applied = await applySet(applier, ctx, objects, { adopt: ca.adoptExisting, adoptField: 'spec.clusterAutoscaler.adoptExisting' });
  ctx.applyResults.push(applied);
  if (applied.conflicts.length > 0) {
    return { ok: false, reason: 'Conflict', message: `Cluster Autoscaler was not (fully) deployed: ${applied.conflicts.join(' ')}` };
  }
  return { ok: true, message: `Cluster Autoscaler ${image} is deployed in ${ca.serviceAccount.namespace}, discovering node groups by tag.` };
}
