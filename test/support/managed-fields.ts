/**
 * managedFields for unit tests of the drift decision: the fieldsV1 tree server-side apply records for an applied
 * object, built from the list keys the core/v1 and apps/v1 schemas declare for the lists our objects use. Other
 * lists are atomic (one leaf), as they are in those schemas. The integration tests check the real thing.
 */
import type { KubernetesObject, V1ManagedFieldsEntry } from '@kubernetes/client-node';
import type { FieldsV1 } from '../../src/kube/managed-fields.js';

const LIST_KEYS: Readonly<Record<string, readonly string[]>> = {
  containers: ['name'], initContainers: ['name'], env: ['name'], volumes: ['name'], volumeMounts: ['mountPath'],
  ports: ['containerPort', 'protocol'], topologySpreadConstraints: ['topologyKey', 'whenUnsatisfiable'],
};
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fieldsOfValue(value: unknown, field?: string): FieldsV1 {
  const keys = field === undefined ? undefined : LIST_KEYS[field];
  if (Array.isArray(value) && keys) {
    return Object.fromEntries(value.map((item: Record<string, unknown>) =>
      [`k:${JSON.stringify(Object.fromEntries(keys.map((k) => [k, item[k]])))}`, { '.': {}, ...fieldsOfValue(item) }]));
  }
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [`f:${k}`, fieldsOfValue(v, k)]));
}

/** What SSA records for `applied`: every field it sets except the object's identity (apiVersion, kind, name, namespace). */
export function appliedFields(applied: KubernetesObject): FieldsV1 {
  const { apiVersion: _a, kind: _k, metadata, ...rest } = applied;
  const { name: _n, namespace: _ns, ...meta } = metadata ?? {};
  return fieldsOfValue({ ...(Object.keys(meta).length > 0 && { metadata: meta }), ...rest });
}

/** `ours` without the leaves of `taken`: an update by another manager that changes a field takes it over. */
export function without(ours: FieldsV1, taken: FieldsV1): FieldsV1 {
  const rest: Record<string, FieldsV1> = { ...ours };
  for (const [segment, child] of Object.entries(taken)) {
    if (segment === '.' || rest[segment] === undefined) continue;
    if (Object.keys(child).every((s) => s === '.')) delete rest[segment];
    else rest[segment] = without(rest[segment], child);
  }
  return rest;
}

/** A managedFields entry of `manager` owning `fields`. */
export const entry = (manager: string, fields: FieldsV1, operation: 'Apply' | 'Update' = 'Apply', apiVersion = 'apps/v1'): V1ManagedFieldsEntry =>
  ({ manager, operation, apiVersion, fieldsType: 'FieldsV1', fieldsV1: fields });

/** `obj` as the apiserver would return it with these managedFields. */
export const withManagedFields = <T extends KubernetesObject>(obj: T, ...entries: V1ManagedFieldsEntry[]): T =>
  ({ ...obj, metadata: { ...obj.metadata, managedFields: entries } });
