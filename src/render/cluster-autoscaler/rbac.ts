/**
 * Cluster Autoscaler's RBAC: bindings only. The rules are those of the upstream chart (kubernetes/autoscaler
 * charts/cluster-autoscaler templates/clusterrole.yaml and role.yaml, AWS, no priority expander) and ship as two
 * ClusterRoles in this operator's Helm chart. Rendering them here would make the apiserver demand that the operator
 * hold every rule itself (evicting any pod, updating nodes); binding an existing role needs only `bind` on its name.
 */
import type { V1ClusterRoleBinding, V1RoleBinding } from '@kubernetes/client-node';
import type { ClusterAutoscalerRenderInput } from './input.js';
import { RBAC_API, RBAC_GROUP } from '../common/rbac.js';
import { clusterAutoscalerLabels } from './labels.js';

/** Cluster-wide rules of Cluster Autoscaler (chart templates/cluster-autoscaler-rbac.yaml). */
export const CLUSTER_AUTOSCALER_CLUSTER_ROLE = 'metricsstack:cluster-autoscaler';
/** Its status ConfigMap rules, bound in its own namespace only (the upstream chart's Role). */
export const CLUSTER_AUTOSCALER_STATUS_ROLE = 'metricsstack:cluster-autoscaler-status';

const subjects = (input: ClusterAutoscalerRenderInput) => [{ kind: 'ServiceAccount', name: input.serviceAccountName, namespace: input.namespace }];

/** Binds the cluster-wide rules to the service account. */
export function renderClusterAutoscalerClusterRoleBinding(input: ClusterAutoscalerRenderInput): V1ClusterRoleBinding {
  return {
    apiVersion: RBAC_API,
    kind: 'ClusterRoleBinding',
    metadata: { name: input.name, labels: clusterAutoscalerLabels(input) },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: CLUSTER_AUTOSCALER_CLUSTER_ROLE },
    subjects: subjects(input),
  };
}

/** Binds the status ConfigMap rules in Cluster Autoscaler's namespace only. */
export function renderClusterAutoscalerRoleBinding(input: ClusterAutoscalerRenderInput): V1RoleBinding {
  return {
    apiVersion: RBAC_API,
    kind: 'RoleBinding',
    metadata: { name: input.name, namespace: input.namespace, labels: clusterAutoscalerLabels(input) },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: CLUSTER_AUTOSCALER_STATUS_ROLE },
    subjects: subjects(input),
  };
}
