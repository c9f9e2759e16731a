import type { KubernetesObject } from '@kubernetes/client-node';
import { FIELD_MANAGER } from './labels.js';
import { absentFrom, fieldsOf, objectEntries, type FieldPath } from './managed-fields.js';
import { isSubset } from './subset.js';

/** Why an object of ours needs an apply, for the log; undefined when applying it would change nothing. */
export type Drift =
  | { readonly kind: 'values' }
  | { readonly kind: 'unowned' }
  | { readonly kind: 'stale'; readonly fields: readonly FieldPath[] };

/**
 * Whether applying `desired` to our own object `live` would change it. Two things make it so:
 * - a field we render has another value live, or is missing (a hand edit, a change of the spec);
 * - our field manager owns a field `desired` no longer has (limits removed from the spec, placement switched to
 *   Ignore): server-side apply removes such a field only when we apply without it, so the value check alone, which
 *   sees the leftover as harmless extra, would keep it for good.
 * Without any managedFields (the apiserver always writes them; a trimmed copy has none) only values can be judged.
 * Our entry missing, or recorded at another apiVersion, means we no longer own what we render: apply to own it again.
 */
export function driftOf(desired: KubernetesObject, live: KubernetesObject): Drift | undefined {
  if (!isSubset(desired, live)) return { kind: 'values' };
  const entries = objectEntries(live);
  if (entries.length === 0) return undefined;
  const ours = entries.find((e) => e.manager === FIELD_MANAGER && e.operation === 'Apply');
  if (!ours || ours.apiVersion !== desired.apiVersion) return { kind: 'unowned' };
  const stale = absentFrom(fieldsOf(ours), desired);
  return stale.length > 0 ? { kind: 'stale', fields: stale } : undefined;
}
