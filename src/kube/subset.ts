import { sameQuantity } from './quantity.js';

/**
 * Pod spec booleans the API serialises with `omitempty` and no pointer: we render them `false` so that our field
 * manager owns them (a manager that sets one to true is then overridden), but the live object leaves them out.
 */
const OMITTED_WHEN_FALSE: ReadonlySet<string> = new Set(['hostNetwork', 'hostPID', 'hostIPC']);

/** The key path ends in `resources.limits.<name>` or `resources.requests.<name>`: a quantity, stored canonically. */
const isResourceQuantity = (path: readonly string[]): boolean =>
  path.length >= 3 && path[path.length - 3] === 'resources' && ['limits', 'requests'].includes(path[path.length - 2] ?? '');

/**
 * True when every field of `desired` is present with the same value in `live`. The live object carries server
 * defaults and metadata we never set, so equality is the wrong test; being a subset means an apply would change
 * nothing, and skipping it keeps the steady state at zero API writes. Values compare as the apiserver stores them:
 * resource quantities by value (`1024Mi` is `1Gi`), and an omitted host-namespace flag as `false`. `path` holds the
 * object keys from the root (list items add `[]`).
 */
export function isSubset(desired: unknown, live: unknown, path: readonly string[] = []): boolean {
  if (desired === live) return true;
  if (desired === false && live === undefined && OMITTED_WHEN_FALSE.has(path[path.length - 1] ?? '')) return true;
  if (typeof desired === 'string' && typeof live === 'string' && isResourceQuantity(path)) return sameQuantity(desired, live);
  if (desired === null || desired === undefined) return live === null || live === undefined;
  if (Array.isArray(desired)) {
    return Array.isArray(live) && live.length === desired.length && desired.every((d, i) => isSubset(d, live[i], [...path, '[]']));
  }
  if (typeof desired === 'object') {
    if (typeof live !== 'object' || live === null || Array.isArray(live)) return false;
    const l = live as Record<string, unknown>;
    return Object.entries(desired as Record<string, unknown>).every(([k, v]) => isSubset(v, l[k], [...path, k]));
  }
  return false;
}
