import { collectionPath, mappingOf } from '../../kube/resources.js';

/**
 * Every kind the operator creates, watched cluster-wide but only through the managed-by label selector, so the
 * caches hold our objects and nothing else. A change or deletion of one re-queues its owner (drift repair).
 */
export interface OwnedKind {
  readonly apiVersion: string;
  readonly kind: string;
  /** Kinds whose status churns (a Deployment's replica counts): only spec and metadata changes re-queue the owner. */
  readonly ignoreStatusChanges?: boolean;
  /**
   * False for Secrets: a label-selected watch still needs cluster-wide list/watch on Secrets in RBAC, which would let
   * the operator read every Secret in the cluster. Ours are read by name (get, restricted by resourceNames) instead.
   */
  readonly watch?: boolean;
}

export const OWNED_KINDS: readonly OwnedKind[] = [
  { apiVersion: 'v1', kind: 'ServiceAccount' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Secret', watch: false },
  { apiVersion: 'apps/v1', kind: 'Deployment', ignoreStatusChanges: true },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', ignoreStatusChanges: true },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
  { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService' },
];

/** The kinds the operator keeps label-selected informers for. */
export const WATCHED_KINDS: readonly OwnedKind[] = OWNED_KINDS.filter((k) => k.watch !== false);

/** The cluster-wide collection path of an owned kind, for list+watch (from the REST mapping table). */
export const ownedKindPath = (k: OwnedKind): string => collectionPath(mappingOf(k.apiVersion, k.kind));
