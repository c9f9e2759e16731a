/**
 * Puts `eks.amazonaws.com/role-arn` on Cluster Autoscaler's service account with server-side apply of that one
 * annotation under our field manager: other annotations, labels and fields stay with whoever set them. A service
 * account that does not exist is created as ours (ownership labels, so the finalizer removes it again); one that
 * exists is never taken over, and a role-arn annotation another manager set to something else is reported, not forced.
 */
import type { KubernetesObject, V1ServiceAccount } from '@kubernetes/client-node';
import type { ObjectClient } from '../../kube/client.js';
import { apiMessage, ignoreNotFound, isConflict } from '../../kube/errors.js';
import { FIELD_MANAGER, otherManagers, ownerOf } from '../../kube/labels.js';
import { ownershipLabels } from '../../render/common/ownership.js';
import type { ObjectCache, StackContext } from '../stack/context.js';

export const ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';

export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

/** Applied, already right, or left alone with a message naming the owner and the fix. */
export type AnnotateOutcome = { readonly result: 'applied' | 'unchanged' } | { readonly result: 'conflict'; readonly message: string };

export interface ServiceAccountDeps {
  readonly objects: Pick<ObjectClient, 'read' | 'apply'>;
  /** Our label-selected ServiceAccount cache: a miss is confirmed with one GET (a user's SA is not in it). */
  readonly serviceAccounts: ObjectCache<V1ServiceAccount>;
}

/** Ensures the annotation; records the service account in the inventory when this stack owns it. */
export async function annotateServiceAccount(d: ServiceAccountDeps, ctx: StackContext, ref: ServiceAccountRef, roleArn: string): Promise<AnnotateOutcome> {
  const id = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: ref.name, namespace: ref.namespace } };
  const live = d.serviceAccounts.get(ref.name, ref.namespace) ?? (await ignoreNotFound(d.objects.read(id)));
  const owner = live ? ownerOf(live) : undefined;
  const where = `ServiceAccount ${ref.namespace}/${ref.name}`;
  if (owner !== undefined && owner !== ctx.name) {
    const message = `${where} belongs to MetricsStack "${owner}"; only one MetricsStack may manage Cluster Autoscaler's service account.`;
    return { result: 'conflict', message };
  }
  const ours = !live || owner === ctx.name;
  if (ours) ctx.recordOwned(id);
  if (live?.metadata?.annotations?.[ROLE_ARN_ANNOTATION] === roleArn) return { result: 'unchanged' };

  // Only the fields below are ours; an apply that omitted the labels we once set would remove them, so they stay.
  const body: KubernetesObject = {
    ...id,
    metadata: { ...id.metadata, annotations: { [ROLE_ARN_ANNOTATION]: roleArn }, ...(ours ? { labels: ownershipLabels(ctx.name) } : {}) },
  };
  try {
    await d.objects.apply(body, { fieldManager: FIELD_MANAGER, force: false });
    return { result: 'applied' };
  } catch (err) {
    if (!isConflict(err)) throw err;
    const found = live?.metadata?.annotations?.[ROLE_ARN_ANNOTATION];
    const by = live ? otherManagers(live).join(', ') || 'another field manager' : 'another field manager';
    return {
      result: 'conflict',
      message:
        `${where} already has ${ROLE_ARN_ANNOTATION}${found ? ` "${found}"` : ''}, set by ${by}; the operator does not overwrite it with ` +
        `"${roleArn}" (${apiMessage(err)}). Remove the annotation, or set spec.clusterAutoscaler.roleARN to the role it names.`,
    };
  }
}
