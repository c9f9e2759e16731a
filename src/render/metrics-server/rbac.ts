/**
 * metrics-server's identity and RBAC, named as in the upstream chart: read kubelet metrics and the nodes and pods
 * they belong to, delegate authn/z to the apiserver, read the aggregation layer's client CA, and let view/edit/admin
 * read metrics.k8s.io.
 */
import type {
  V1ClusterRole,
  V1ClusterRoleBinding,
  V1RoleBinding,
  V1ServiceAccount,
  RbacV1Subject,
} from '@kubernetes/client-node';
import { renderAuthDelegatorBinding, renderAuthReaderBinding, renderMetricsAggregatedReader } from '../common/extension-apiserver.js';
import { RBAC_API, RBAC_GROUP } from '../common/rbac.js';
import type { MetricsServerRenderInput } from './input.js';
import { commonLabels } from './labels.js';

const server = (input: MetricsServerRenderInput) => ({ name: input.name, namespace: input.namespace, labels: commonLabels(input) });

const subjects = (input: MetricsServerRenderInput): RbacV1Subject[] => [
  { kind: 'ServiceAccount', name: input.name, namespace: input.namespace },
];

/** The ServiceAccount the pods run as. */
export function renderMetricsServerServiceAccount(input: MetricsServerRenderInput): V1ServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: input.name, namespace: input.namespace, labels: commonLabels(input) },
  };
}

/** `system:metrics-server`: scrape kubelets (nodes/metrics) and know which nodes and pods exist. */
export function renderMetricsServerClusterRole(input: MetricsServerRenderInput): V1ClusterRole {
  return {
    apiVersion: RBAC_API,
    kind: 'ClusterRole',
    metadata: { name: `system:${input.name}`, labels: commonLabels(input) },
    rules: [
      { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] },
    ],
  };
}

/** `system:metrics-server-aggregated-reader`: aggregates into view, edit and admin so their holders can `kubectl top`. */
export const renderMetricsServerAggregatedReader = (input: MetricsServerRenderInput): V1ClusterRole => renderMetricsAggregatedReader(server(input));

/** Binds `system:metrics-server` to the ServiceAccount. */
export function renderMetricsServerClusterRoleBinding(input: MetricsServerRenderInput): V1ClusterRoleBinding {
  return {
    apiVersion: RBAC_API,
    kind: 'ClusterRoleBinding',
    metadata: { name: `system:${input.name}`, labels: commonLabels(input) },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: `system:${input.name}` },
    subjects: subjects(input),
  };
}

/** Binds `system:auth-delegator`: metrics-server asks the apiserver to authenticate and authorize its callers. */
export const renderMetricsServerAuthDelegatorBinding = (input: MetricsServerRenderInput): V1ClusterRoleBinding => renderAuthDelegatorBinding(server(input));

/** Binds `extension-apiserver-authentication-reader` in kube-system: without it metrics-server cannot read the front-proxy CA. */
export const renderMetricsServerAuthReaderBinding = (input: MetricsServerRenderInput): V1RoleBinding => renderAuthReaderBinding(server(input));
