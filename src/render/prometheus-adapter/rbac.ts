/**
 * prometheus-adapter's identity and RBAC, after upstream's manifests: read the objects metrics are attached to,
 * delegate authn/z to the apiserver and read the aggregation layer's client CA. No role for the HPA controller:
 * Kubernetes' bootstrap policy already lets it read the custom and external metrics APIs.
 */
import type { RbacV1Subject, V1ClusterRole, V1ClusterRoleBinding, V1RoleBinding, V1ServiceAccount } from '@kubernetes/client-node';
import { renderAuthDelegatorBinding, renderAuthReaderBinding, renderMetricsAggregatedReader } from '../common/extension-apiserver.js';
import { RBAC_API, RBAC_GROUP } from '../common/rbac.js';
import type { PrometheusAdapterRenderInput } from './input.js';
import { commonLabels } from './labels.js';

type Input = Pick<PrometheusAdapterRenderInput, 'name' | 'namespace'>;
const meta = (input: Input, name: string) => ({ name, labels: commonLabels(input) });
const server = (input: Input) => ({ name: input.name, namespace: input.namespace, labels: commonLabels(input) });
const adapterSubject = (input: Input): RbacV1Subject[] => [{ kind: 'ServiceAccount', name: input.name, namespace: input.namespace }];
const clusterRoleBinding = (name: string, role: string, subjects: RbacV1Subject[], input: Input): V1ClusterRoleBinding => ({
  apiVersion: RBAC_API, kind: 'ClusterRoleBinding', metadata: meta(input, name),
  roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: role }, subjects,
});

/** The ServiceAccount the pods run as. */
export function renderPrometheusAdapterServiceAccount(input: Input): V1ServiceAccount {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: input.name, namespace: input.namespace, labels: commonLabels(input) } };
}

/**
 * `<name>-resource-reader`: list objects by label selector for `pods/*` queries (custom metrics), and keep the pod
 * and node informers of metrics.k8s.io.
 */
export function renderPrometheusAdapterResourceReader(input: Input): V1ClusterRole {
  return {
    apiVersion: RBAC_API, kind: 'ClusterRole', metadata: meta(input, `${input.name}-resource-reader`),
    rules: [{ apiGroups: [''], resources: ['namespaces', 'nodes', 'pods', 'services'], verbs: ['get', 'list', 'watch'] }],
  };
}

export const renderPrometheusAdapterResourceReaderBinding = (input: Input): V1ClusterRoleBinding =>
  clusterRoleBinding(`${input.name}-resource-reader`, `${input.name}-resource-reader`, adapterSubject(input), input);

/** Binds `system:auth-delegator`: the adapter asks the apiserver to authenticate and authorize its callers. */
export const renderPrometheusAdapterAuthDelegatorBinding = (input: Input): V1ClusterRoleBinding => renderAuthDelegatorBinding(server(input));

/** Binds `extension-apiserver-authentication-reader` in kube-system: the adapter reads the front-proxy CA there. */
export const renderPrometheusAdapterAuthReaderBinding = (input: Input): V1RoleBinding => renderAuthReaderBinding(server(input));

/** `system:<name>-aggregated-reader`: when the adapter serves metrics.k8s.io, view/edit/admin may `kubectl top`. */
export const renderPrometheusAdapterAggregatedReader = (input: Input): V1ClusterRole => renderMetricsAggregatedReader(server(input));
