/**
 * What every extension API server behind the aggregation layer needs, whichever backend it is (metrics-server,
 * prometheus-adapter): delegated authn/z, the front-proxy CA, a Service the APIService points at, and read access
 * to metrics.k8s.io for view/edit/admin. Pure builders, shared so the two backends cannot drift apart.
 */
import type { RbacV1Subject, V1ClusterRole, V1ClusterRoleBinding, V1PodDisruptionBudget, V1RoleBinding, V1Service } from '@kubernetes/client-node';
import { RBAC_API, RBAC_GROUP } from './rbac.js';

/** The namespace that holds `extension-apiserver-authentication` and the Role that reads it. */
export const AUTH_NAMESPACE = 'kube-system';

/** The server's name (its ServiceAccount and Service), namespace and the labels its objects carry. */
export interface ExtensionServer {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
}

const subjects = (s: ExtensionServer): RbacV1Subject[] => [{ kind: 'ServiceAccount', name: s.name, namespace: s.namespace }];

/** Binds `system:auth-delegator`: the server asks the apiserver to authenticate and authorize its callers. */
export function renderAuthDelegatorBinding(s: ExtensionServer): V1ClusterRoleBinding {
  return {
    apiVersion: RBAC_API,
    kind: 'ClusterRoleBinding',
    metadata: { name: `${s.name}:system:auth-delegator`, labels: s.labels },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: 'system:auth-delegator' },
    subjects: subjects(s),
  };
}

/** Binds `extension-apiserver-authentication-reader` in kube-system: without it the server cannot read the front-proxy CA. */
export function renderAuthReaderBinding(s: ExtensionServer): V1RoleBinding {
  return {
    apiVersion: RBAC_API,
    kind: 'RoleBinding',
    metadata: { name: `${s.name}-auth-reader`, namespace: AUTH_NAMESPACE, labels: s.labels },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name: 'extension-apiserver-authentication-reader' },
    subjects: subjects(s),
  };
}

/** `system:<name>-aggregated-reader`: aggregates into view, edit and admin so their holders can `kubectl top`. */
export function renderMetricsAggregatedReader(s: ExtensionServer): V1ClusterRole {
  return {
    apiVersion: RBAC_API,
    kind: 'ClusterRole',
    metadata: {
      name: `system:${s.name}-aggregated-reader`,
      labels: {
        ...s.labels,
        'rbac.authorization.k8s.io/aggregate-to-admin': 'true',
        'rbac.authorization.k8s.io/aggregate-to-edit': 'true',
        'rbac.authorization.k8s.io/aggregate-to-view': 'true',
      },
    },
    rules: [{ apiGroups: ['metrics.k8s.io'], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] }],
  };
}

/** The Service the APIServices point at: `port` → the container port named `portName`. */
export function renderHttpsService(s: ExtensionServer & { selector: Record<string, string>; port: number; portName: string }): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: s.name, namespace: s.namespace, labels: s.labels },
    spec: {
      type: 'ClusterIP',
      selector: s.selector,
      ports: [{ name: s.portName, port: s.port, protocol: 'TCP', targetPort: s.portName }],
    },
  };
}

/** A PodDisruptionBudget with minAvailable 1, or undefined for a single replica (it would block every drain). */
export function renderServerPodDisruptionBudget(
  s: ExtensionServer & { replicas: number; selector: Record<string, string> },
): V1PodDisruptionBudget | undefined {
  if (s.replicas < 2) return undefined;
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: s.name, namespace: s.namespace, labels: s.labels },
    spec: { minAvailable: 1, selector: { matchLabels: s.selector } },
  };
}
