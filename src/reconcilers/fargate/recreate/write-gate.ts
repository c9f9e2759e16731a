/**
 * The gate every AWS write of a recreation passes: only the MetricsStack whose metrics-server serves metrics.k8s.io
 * changes Fargate profiles for it (a second stack, in Conflict over the same objects, must not), and only on an EKS
 * cluster verified as this one.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ConditionInput } from '../../../kube/conditions.js';
import { ownerOf } from '../../../kube/labels.js';
import { METRICS_API_SERVICE_NAME } from '../../../render/metrics-server/apiservice.js';
import { IDENTITY_UNVERIFIED, type ClusterIdentity } from '../../aws/identity.js';
import { ConditionType } from '../../../api/v1alpha1/conditions.js';

/** Undefined when this stack may write, else the condition saying why it may not. */
export async function recreateWriteRefusal(
  apiService: KubernetesObject | undefined, stack: string, verify: () => Promise<ClusterIdentity>,
): Promise<ConditionInput | undefined> {
  const notOwner = metricsApiOwnerRefusal(apiService, stack);
  if (notOwner) return notOwner;
  const identity = await verify();
  return identity.verified ? undefined : { type: ConditionType.FargatePlacementSafe, status: 'False', reason: IDENTITY_UNVERIFIED, message: identity.message };
}

/** Pure: `apiService` is the live APIService from our label-selected cache (absent: not applied, or not ours). */
export function metricsApiOwnerRefusal(apiService: KubernetesObject | undefined, stack: string): ConditionInput | undefined {
  const owner = apiService ? ownerOf(apiService) : undefined;
  if (owner === stack) return undefined;
  const rule = 'Fargate profiles are changed only by the MetricsStack that serves metrics.k8s.io';
  if (owner === undefined) {
    return {
      type: ConditionType.FargatePlacementSafe, status: 'Unknown', reason: 'NotMetricsAPIOwner',
      message: `APIService ${METRICS_API_SERVICE_NAME} is not served by this MetricsStack yet (not applied, or another manager owns it). ` +
        `${rule}, so no AWS change is made until it is.`,
    };
  }
  return {
    type: ConditionType.FargatePlacementSafe, status: 'False', reason: 'NotMetricsAPIOwner',
    message: `APIService ${METRICS_API_SERVICE_NAME} belongs to MetricsStack "${owner}". ${rule}, so this one makes no AWS change: ` +
      `make the change on MetricsStack "${owner}", or remove spec.fargate.recreateProfile here.`,
  };
}
