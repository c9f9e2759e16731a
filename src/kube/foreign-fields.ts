/**
 * Fields other field managers set on an object of ours: those whose value differs from what we render (a forced
 * apply reverts them) and those they added to the pod template that we do not render (server-side apply never
 * removes another manager's fields, so a JSON patch must). Pure: the Applier makes the writes, the parent reports them.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { FIELD_MANAGER } from './labels.js';
import { absentFrom, describePath, fieldsOf, keyPath, leafPaths, objectEntries, owns, resolve, type FieldPath } from './managed-fields.js';
import { isSubset } from './subset.js';

/** One field another manager set, and whether it weakens the pod's isolation. */
export interface ForeignField {
  readonly path: string;
  readonly security: boolean;
}

/** What one other field manager changed on an object of ours, and what the operator undid. */
export interface ForeignChange {
  readonly manager: string;
  /** Fields it set to other values than ours; the forced apply puts ours back. */
  readonly reverted: readonly ForeignField[];
  /** Fields it added under the pod template; removed by {@link ForeignAdditions.patch}. */
  readonly removed: readonly ForeignField[];
}

/** A JSON patch operation (RFC 6902), of the two kinds the removal uses. */
export type RemovalOp = { readonly op: 'test'; readonly path: string; readonly value: unknown } | { readonly op: 'remove'; readonly path: string };

const TEMPLATE = ['f:spec', 'f:template'];
const POD = [...TEMPLATE, 'f:spec'];
// Whole fields another manager may add under the pod spec or a container; none has a server default, so removing
// one never comes back by itself (a defaulted field such as dnsPolicy would, and be removed again on every pass).
const ADDED_FIELDS = new Set(['f:env', 'f:envFrom', 'f:volumeMounts', 'f:volumeDevices', 'f:volumes', 'f:initContainers',
  'f:ephemeralContainers', 'f:tolerations', 'f:hostAliases', 'f:add']);
const isItem = (segment: string) => /^[kvi]:/.test(segment);
const startsWith = (path: FieldPath, prefix: readonly string[]) => prefix.every((s, i) => path[i] === s);

/**
 * Additions we remove: under the pod template's spec, a list item (an env var, a volume, a sidecar container) or one
 * of {@link ADDED_FIELDS}; a pod label. Template annotations stay: `kubectl rollout restart` writes one there.
 */
export function isRemovable(path: FieldPath): boolean {
  const last = path[path.length - 1] ?? '';
  if (startsWith(path, [...TEMPLATE, 'f:metadata', 'f:labels'])) return path.length === 5;
  return startsWith(path, POD) && path.length > POD.length && (isItem(last) || ADDED_FIELDS.has(last));
}

// Fields that weaken the pod's isolation from its node (issue 14): host namespaces, privilege, added capabilities.
const SECURITY = new RegExp('(^spec\\.template\\.spec\\.(hostNetwork|hostPID|hostIPC|hostUsers)$)|' +
  'securityContext\\.(privileged|allowPrivilegeEscalation|runAsNonRoot|capabilities(\\.add)?)$');
const hasHostPath = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && (('hostPath' in v) || (Array.isArray(v) && v.some(hasHostPath)));

function foreignField(path: FieldPath, value: unknown): ForeignField {
  const text = describePath(path);
  return { path: text, security: SECURITY.test(text) || (text.includes('.volumes') && hasHostPath(value)) };
}

const others = (live: KubernetesObject) => objectEntries(live).filter((e) => e.manager !== FIELD_MANAGER);

/**
 * Fields other managers took from us in `live` (an update that changes a value moves its ownership to the writer)
 * and set to values that are not ours: what forcing `desired` onto it reverts. A field we still own that differs is
 * our own change of the spec, whoever else shares it.
 */
export function overriddenFields(desired: KubernetesObject, live: KubernetesObject): ForeignChange[] {
  const ours = objectEntries(live).find((e) => e.manager === FIELD_MANAGER && e.operation === 'Apply');
  return others(live).map((entry) => ({
    manager: entry.manager ?? 'unknown',
    reverted: leafPaths(fieldsOf(entry)).flatMap((path) => {
      const want = resolve(desired, path);
      const have = resolve(live, path);
      if (!want || (ours && owns(fieldsOf(ours), path))) return [];
      return isSubset(want.value, have?.value, keyPath(path)) ? [] : [foreignField(path, have?.value)];
    }),
    removed: [],
  })).filter((c) => c.reverted.length > 0);
}

/** The removal of what other managers added under the pod template: a JSON patch, and who added what. */
export interface ForeignAdditions {
  readonly patch: readonly RemovalOp[];
  readonly changes: readonly ForeignChange[];
}

const escape = (step: string | number) => String(step).replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * Each removal is guarded by a `test` of the value seen, so a concurrent change fails the patch instead of removing
 * something else; removals run last-first so an earlier index never shifts under a later one. A pod label the
 * Deployment's selector uses stays: without it the template would not match the (immutable) selector.
 */
export function foreignAdditions(desired: KubernetesObject, live: KubernetesObject): ForeignAdditions {
  const selector = (live as { spec?: { selector?: { matchLabels?: Record<string, string> } } }).spec?.selector?.matchLabels ?? {};
  const found = new Map<string, { steps: readonly (string | number)[]; value: unknown }>();
  const changes = others(live).map((entry) => {
    const removed = absentFrom(fieldsOf(entry), desired).filter(isRemovable).flatMap((path) => {
      const at = resolve(live, path);
      if (!at || (path[3] === 'f:labels' && path[4]!.slice(2) in selector)) return [];
      found.set(at.steps.map(escape).join('/'), at);
      return [foreignField(path, at.value)];
    });
    return { manager: entry.manager ?? 'unknown', reverted: [], removed };
  }).filter((c) => c.removed.length > 0);
  const pointers = [...found.keys()].filter((p) => ![...found.keys()].some((q) => p.startsWith(`${q}/`)));
  const order = (p: string) => found.get(p)!.steps;
  pointers.sort((a, b) => compareSteps(order(b), order(a)));
  const patch = pointers.flatMap((p): RemovalOp[] => [{ op: 'test', path: `/${p}`, value: found.get(p)!.value }, { op: 'remove', path: `/${p}` }]);
  return { patch, changes };
}

function compareSteps(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [x, y] = [a[i]!, b[i]!];
    if (x !== y) return typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}

/** One change per manager: what it had set that the apply reverted, and what it had added that the patch removed. */
export function mergeChanges(changes: readonly ForeignChange[]): ForeignChange[] {
  const by = new Map<string, ForeignChange>();
  for (const c of changes) {
    const seen = by.get(c.manager);
    by.set(c.manager, seen ? { ...seen, reverted: [...seen.reverted, ...c.reverted], removed: [...seen.removed, ...c.removed] } : c);
  }
  return [...by.values()];
}

/** The Event message for one manager's changes to `object` (a Kind namespace/name), with at most a few fields named. */
export function foreignChangeMessage(object: string, change: ForeignChange): string {
  const list = (fields: readonly ForeignField[]) => {
    const named = fields.slice(0, 8).map((f) => `${f.path}${f.security ? ' (security-relevant)' : ''}`);
    return named.join(', ') + (fields.length > named.length ? ` and ${fields.length - named.length} more` : '');
  };
  const what = [
    ...(change.reverted.length > 0 ? [`reverted ${list(change.reverted)}`] : []),
    ...(change.removed.length > 0 ? [`removed ${list(change.removed)}`] : []),
  ];
  return `${object}: field manager "${change.manager}" changed what the operator manages; ${what.join('; ')}. ` +
    'Make such changes through the MetricsStack spec.';
}
