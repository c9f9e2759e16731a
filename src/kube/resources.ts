import type { KubernetesObject } from '@kubernetes/client-node';
import { GROUP, KIND, PLURAL, VERSION } from '../api/v1alpha1/types.js';

/** Where a kind lives in the REST API: client-go's RESTMapping, for the fixed set of kinds this operator touches. */
export interface ResourceMapping {
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

/**
 * Every kind the operator reads or writes. A static table instead of discovery: the set is fixed by the code, and a
 * discovery round trip per kind (what client-node's KubernetesObjectApi does) is work the apiserver need not do.
 */
const MAPPINGS: readonly ResourceMapping[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true },
  { apiVersion: 'v1', kind: 'Event', plural: 'events', namespaced: true },
  { apiVersion: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
  { apiVersion: 'v1', kind: 'Node', plural: 'nodes', namespaced: false },
  { apiVersion: 'v1', kind: 'Pod', plural: 'pods', namespaced: true },
  { apiVersion: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true },
  { apiVersion: 'v1', kind: 'Service', plural: 'services', namespaced: true },
  { apiVersion: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', namespaced: true },
  { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments', namespaced: true },
  { apiVersion: 'apps/v1', kind: 'StatefulSet', plural: 'statefulsets', namespaced: true },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet', plural: 'replicasets', namespaced: true },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', namespaced: true },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', namespaced: true },
  { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', plural: 'leases', namespaced: true },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', plural: 'clusterroles', namespaced: false },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', namespaced: false },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', plural: 'roles', namespaced: true },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', plural: 'rolebindings', namespaced: true },
  { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', plural: 'apiservices', namespaced: false },
  { apiVersion: `${GROUP}/${VERSION}`, kind: KIND, plural: PLURAL, namespaced: false },
];

const byKey = new Map(MAPPINGS.map((m) => [`${m.apiVersion}/${m.kind}`, m]));

/** The mapping of `apiVersion`/`kind`; throws for a kind the table does not know (a bug, not a user error). */
export function mappingOf(apiVersion: string | undefined, kind: string | undefined): ResourceMapping {
  const m = byKey.get(`${apiVersion ?? ''}/${kind ?? ''}`);
  if (!m) throw new Error(`no REST mapping for ${apiVersion ?? '?'} ${kind ?? '?'}: add it to src/kube/resources.ts`);
  return m;
}

/** `/api/v1` for the core group, `/apis/<group>/<version>` for the rest. */
export const groupVersionPath = (apiVersion: string): string => (apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`);

/** The collection path of a kind: cluster-wide, or in `namespace` when the kind is namespaced and one is given. */
export function collectionPath(m: ResourceMapping, namespace?: string): string {
  const ns = m.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${groupVersionPath(m.apiVersion)}${ns}/${m.plural}`;
}

/** The path of one object; a namespaced kind without a namespace is refused rather than sent to the wrong URL. */
export function objectPath(obj: KubernetesObject): string {
  const m = mappingOf(obj.apiVersion, obj.kind);
  const name = obj.metadata?.name;
  if (!name) throw new Error(`${obj.kind ?? '?'} without metadata.name`);
  if (m.namespaced && !obj.metadata?.namespace) throw new Error(`${obj.kind ?? '?'} ${name} is namespaced but has no metadata.namespace`);
  return `${collectionPath(m, obj.metadata?.namespace)}/${encodeURIComponent(name)}`;
}

/** A reference to one object, enough to read, patch or delete it. */
export const objectRef = (apiVersion: string, kind: string, name: string, namespace?: string): KubernetesObject =>
  ({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } });
