import type { InventoryRef } from '../../kube/cleanup.js';

/**
 * What a sub-reconciler that owns objects says about them, on every return path: exactly these (an empty list
 * when the spec turned its concern off), or unknown — it could not tell this pass (AWS did not answer, the cluster
 * is ambiguous, a conflict, a rejected spec) and its objects from the last pass stay. Pruning needs the positive
 * statement; an early `return {}` does not compile.
 */
export type Wanted =
  | { readonly known: true; readonly objects: readonly InventoryRef[] }
  | { readonly known: false; readonly why: string };

/** The result of a sub-reconciler that owns objects. */
export interface OwningResult {
  readonly wanted: Wanted;
  readonly requeueAfterMs?: number;
}

const requeue = (ms: number | undefined) => (ms === undefined ? {} : { requeueAfterMs: ms });

/** This pass wants exactly `objects` of the concern; the rest of its last inventory is pruned. */
export const wantsExactly = (objects: readonly InventoryRef[], requeueAfterMs?: number): OwningResult =>
  ({ wanted: { known: true, objects }, ...requeue(requeueAfterMs) });

/** This pass cannot tell what the concern wants: its objects from the last pass are kept. */
export const wantsUnknown = (why: string, requeueAfterMs?: number): OwningResult =>
  ({ wanted: { known: false, why }, ...requeue(requeueAfterMs) });
