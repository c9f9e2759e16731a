/**
 * Every kind the operator creates, watched cluster-wide but only through the managed-by label selector, so the
 * caches hold our objects and nothing else. A change or deletion of one re-queues its owner (drift repair).
 */
export interface OwnedKind {
  readonly apiVersion: string;
  readonly kind: string;
  /** Cluster-wide collection path for list+watch. */
  readonly path: string;
  /** Kinds whose status churns (a Deployment's replica counts): only spec and metadata changes re-queue the owner. */
  readonly ignoreStatusChanges?: boolean;
  /**
   * False for Secrets: a label-selected watch still needs cluster-wide list/watch on Secrets in RBAC, which would let
   * the operator read every Secret in the cluster. Ours are read by name (get, restricted by resourceNames) instead.
   */
  readonly watch?: boolean;
}

export const OWNED_KINDS: readonly OwnedKind[] = [
  { apiVersion: 'v1', kind: 'ServiceAccount', path: '/api/v1/serviceaccounts' },
  { apiVersion: 'v1', kind: 'Service', path: '/api/v1/services' },
  { apiVersion: 'v1', kind: 'ConfigMap', path: '/api/v1/configmaps' },
  { apiVersion: 'v1', kind: 'Secret', path: '/api/v1/secrets', watch: false },
  { apiVersion: 'apps/v1', kind: 'Deployment', path: '/apis/apps/v1/deployments', ignoreStatusChanges: true },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', path: '/apis/policy/v1/poddisruptionbudgets', ignoreStatusChanges: true },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', path: '/apis/rbac.authorization.k8s.io/v1/clusterroles' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', path: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', path: '/apis/rbac.authorization.k8s.io/v1/rolebindings' },
  { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', path: '/apis/apiregistration.k8s.io/v1/apiservices' },
];

/** The kinds the operator keeps label-selected informers for. */
export const WATCHED_KINDS: readonly OwnedKind[] = OWNED_KINDS.filter((k) => k.watch !== false);
