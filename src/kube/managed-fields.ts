/**
 * Reading server-side apply's `managedFields`: which field manager owns which fields of an object, as `fieldsV1`
 * trees, and where a field path of such a tree lands in a plain object. Schema-free: a map-list item is found by
 * the key fields its `k:` segment names, so no OpenAPI schema is needed to walk a Deployment.
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubernetesObject, V1ManagedFieldsEntry } from '@kubernetes/client-node';

/** A fieldsV1 tree: `f:<field>`, `k:<key as JSON>`, `v:<value as JSON>`, `i:<index>`; `.` marks the node itself. */
export interface FieldsV1 {
  readonly [segment: string]: FieldsV1;
}

/** A path through a fieldsV1 tree, as its segments (`['f:spec', 'f:template', …]`). */
export type FieldPath = readonly string[];

/** One step into a plain object: an object key or a list index (a JSON pointer token). */
export type Step = string | number;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where one segment lands in `value`: the step taken and the value found, or undefined when it is not there. */
export function stepInto(value: unknown, segment: string): { readonly step: Step; readonly value: unknown } | undefined {
  const rest = segment.slice(2);
  if (segment.startsWith('f:')) return isRecord(value) && value[rest] !== undefined ? { step: rest, value: value[rest] } : undefined;
  if (!Array.isArray(value)) return undefined;
  let index = -1;
  if (segment.startsWith('i:')) index = Number(rest) < value.length ? Number(rest) : -1;
  else if (segment.startsWith('v:')) index = value.findIndex((item) => isDeepStrictEqual(item, JSON.parse(rest)));
  else if (segment.startsWith('k:')) {
    const key = Object.entries(JSON.parse(rest) as Record<string, unknown>);
    index = value.findIndex((item) => isRecord(item) && key.every(([k, v]) => isDeepStrictEqual(item[k], v)));
  }
  return index < 0 ? undefined : { step: index, value: value[index] };
}

/** The steps and value a whole field path leads to in `value`, or undefined when any segment is missing. */
export function resolve(value: unknown, path: FieldPath): { readonly steps: readonly Step[]; readonly value: unknown } | undefined {
  const steps: Step[] = [];
  let at = value;
  for (const segment of path) {
    const next = stepInto(at, segment);
    if (!next) return undefined;
    steps.push(next.step);
    at = next.value;
  }
  return { steps, value: at };
}

/** The top-most paths of `fields` that `value` does not have: what an apply of `value` by this owner would drop. */
export function absentFrom(fields: FieldsV1, value: unknown, prefix: FieldPath = []): FieldPath[] {
  return Object.entries(fields).flatMap(([segment, child]) => {
    if (segment === '.') return [];
    const next = stepInto(value, segment);
    return next ? absentFrom(child, next.value, [...prefix, segment]) : [[...prefix, segment]];
  });
}

/** True when `fields` owns `path`, itself or through an atomic field above it (owned whole, no children listed). */
export function owns(fields: FieldsV1, path: FieldPath): boolean {
  let node: FieldsV1 | undefined = fields;
  for (const segment of path) {
    if (node !== fields && Object.keys(node).every((s) => s === '.')) return true;
    node = node[segment];
    if (node === undefined) return false;
  }
  return true;
}

/** Every owned field that has no owned fields below it (its own value is what is owned). */
export function leafPaths(fields: FieldsV1, prefix: FieldPath = []): FieldPath[] {
  const children = Object.entries(fields).filter(([segment]) => segment !== '.');
  if (children.length === 0) return prefix.length > 0 ? [prefix] : [];
  return children.flatMap(([segment, child]) => leafPaths(child, [...prefix, segment]));
}

/** A path for people: `spec.template.spec.containers[name=metrics-server].env[name=DEBUG]`. */
export function describePath(path: FieldPath): string {
  return path.map((segment, i) => {
    const rest = segment.slice(2);
    if (segment.startsWith('f:')) return i === 0 ? rest : `.${rest}`;
    if (segment.startsWith('k:')) {
      const key = Object.entries(JSON.parse(rest) as Record<string, unknown>);
      return `[${key.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(',')}]`;
    }
    return `[${rest}]`;
  }).join('');
}

/** The object keys along a path (list items as `[]`), as {@link isSubset} takes them. */
export const keyPath = (path: FieldPath): string[] => path.map((s) => (s.startsWith('f:') ? s.slice(2) : '[]'));

/** The managedFields entries of the object itself (not of its status or scale subresource), one per manager and operation. */
export function objectEntries(obj: KubernetesObject): readonly V1ManagedFieldsEntry[] {
  return (obj.metadata?.managedFields ?? []).filter((e) => !e.subresource);
}

/** The fields one entry owns (`fieldsV1` is typed `object` by client-node). */
export const fieldsOf = (entry: V1ManagedFieldsEntry): FieldsV1 => (entry.fieldsV1 ?? {}) as FieldsV1;
