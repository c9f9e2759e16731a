import { AUTH_NAMESPACE } from '../../render/common/extension-apiserver.js';
import { collectionPath, mappingOf } from '../../kube/resources.js';

/**
 * Every kind the operator creates, watched only through the managed-by label selector, so the caches hold our
 * objects and nothing else: cluster-scoped kinds cluster-wide, namespaced kinds in each managed namespace (or
 * cluster-wide when the operator runs without --managed-namespaces). A change or deletion of one re-queues its owner.
 */
export interface OwnedKind extends WatchedKind {
  /** Kinds whose status churns (a Deployment's replica counts): only spec and metadata changes re-queue the owner. */
  readonly ignoreStatusChanges?: boolean;
  /**
   * False for Secrets: a label-selected watch still needs list/watch on Secrets in RBAC, which would let the operator
   * read every Secret in those namespaces. Ours are read by name (get, restricted by resourceNames) instead.
   */
  readonly watch?: boolean;
}

/** A kind an informer lists and watches, and where. */
export interface WatchedKind {
  readonly apiVersion: string;
  readonly kind: string;
  /**
   * Watched by name (a metadata.name field selector, one informer per name), not by label alone: RBAC authorizes
   * such a list or watch as a request for that name, so the chart can grant it by resourceNames. For ConfigMaps,
   * which other software fills with its configuration (kube-system/aws-auth).
   */
  readonly names?: readonly string[];
  /** Namespaces it is also watched in, whatever the managed ones: where Kubernetes keeps what we create there. */
  readonly alsoIn?: readonly string[];
}

/** prometheus-adapter's rules (src/render/prometheus-adapter/service.ts; test/unit/rbac.test.ts checks the two agree). */
const PROMETHEUS_ADAPTER_CONFIG = 'prometheus-adapter-config';

export const OWNED_KINDS: readonly OwnedKind[] = [
  { apiVersion: 'v1', kind: 'ServiceAccount' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ConfigMap', names: [PROMETHEUS_ADAPTER_CONFIG] },
  { apiVersion: 'v1', kind: 'Secret', watch: false },
  { apiVersion: 'apps/v1', kind: 'Deployment', ignoreStatusChanges: true },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', ignoreStatusChanges: true },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding' },
  // The backends' auth-reader RoleBindings live in kube-system, beside the Role they bind.
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', alsoIn: [AUTH_NAMESPACE] },
  { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService' },
];

/** The kinds the operator keeps label-selected informers for. */
export const WATCHED_KINDS: readonly OwnedKind[] = OWNED_KINDS.filter((k) => k.watch !== false);

/** Our own pods (label-selected): where metrics-server really runs, for the Fargate verifier. */
export const POD_KIND: WatchedKind = { apiVersion: 'v1', kind: 'Pod' };

/** The cluster-wide collection path of an owned kind, for list+watch (from the REST mapping table). */
export const ownedKindPath = (k: WatchedKind): string => collectionPath(mappingOf(k.apiVersion, k.kind));

/** Where one informer lists and watches: a namespace (absent: all) and, for kinds watched by name, the name. */
export interface WatchScope {
  readonly namespace?: string;
  readonly name?: string;
}

/** Pure: the informers a kind needs, given --managed-namespaces (undefined: every namespace). */
export function watchScopes(k: WatchedKind, managed: readonly string[] | undefined): WatchScope[] {
  const namespaces = mappingOf(k.apiVersion, k.kind).namespaced && managed ? [...new Set([...managed, ...(k.alsoIn ?? [])])] : [undefined];
  const names = k.names ?? [undefined];
  return namespaces.flatMap((namespace) => names.map((name) => ({ ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) })));
}
