/** The metadata the predicates read. Timestamps may be Dates (from a list) or strings (from a watch event). */
export interface ObjectWithMeta {
  readonly metadata?: {
    readonly generation?: number;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly deletionTimestamp?: Date | string;
  };
}

/**
 * Decides whether an update from `old` to `next` is worth a reconcile. Pure. `old` is undefined when the informer
 * has no previous copy (an add, or a relist), and every predicate then says yes: missing a change is worse than one
 * extra level-triggered reconcile.
 */
export type Predicate<T extends ObjectWithMeta = ObjectWithMeta> = (old: T | undefined, next: T) => boolean;

/** The spec changed. The apiserver bumps `generation` on spec changes only, so status writes do not wake us up. */
export const generationChanged: Predicate = (old, next) =>
  old === undefined || old.metadata?.generation !== next.metadata?.generation;

/** Any label was added, removed or changed. */
export const labelsChanged: Predicate = (old, next) =>
  old === undefined || !sameRecord(old.metadata?.labels, next.metadata?.labels);

/** Any annotation was added, removed or changed. */
export const annotationsChanged: Predicate = (old, next) =>
  old === undefined || !sameRecord(old.metadata?.annotations, next.metadata?.annotations);

/**
 * The object is being deleted (its deletionTimestamp is set), whether or not it was already before: while finalizers
 * run, each update may be the one that lets us finish cleanup.
 */
export const deletionTimestampSet: Predicate = (_old, next) => Boolean(next.metadata?.deletionTimestamp);

/** True when every predicate is (true for none: an empty `and` accepts everything). */
export const and =
  <T extends ObjectWithMeta>(...predicates: readonly Predicate<T>[]): Predicate<T> =>
  (old, next) =>
    predicates.every((p) => p(old, next));

/** True when any predicate is (an empty `or` accepts nothing). */
export const or =
  <T extends ObjectWithMeta>(...predicates: readonly Predicate<T>[]): Predicate<T> =>
  (old, next) =>
    predicates.some((p) => p(old, next));

function sameRecord(a: Readonly<Record<string, string>> = {}, b: Readonly<Record<string, string>> = {}): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}
