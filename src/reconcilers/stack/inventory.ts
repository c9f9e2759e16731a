/**
 * The prune decision, pure: from last pass's inventory and each concern's statement this pass, the inventory to
 * record and the objects to delete. Pruning needs a positive statement: only a concern that said exactly what it
 * wants loses what it no longer names. A concern that said "unknown" (or failed) keeps its last objects, an entry
 * whose concern did not speak at all is kept, and nothing is pruned while pruning is held (an API handover, a
 * failed or conflicted pass: facts one concern reads may come from another that did not finish).
 */
import { inventoryKey, mergeInventory, type InventoryRef } from '../../kube/cleanup.js';
import type { Wanted } from './wanted.js';

export interface ConcernStatement {
  readonly concern: string;
  readonly wanted: Wanted;
  /** What it recorded while it ran: kept beside an "unknown", so an object created this pass is never forgotten. */
  readonly recorded: readonly InventoryRef[];
}

export interface InventoryDecision {
  readonly inventory: InventoryRef[];
  readonly prune: InventoryRef[];
}

export function decideInventory(previous: readonly InventoryRef[], statements: readonly ConcernStatement[], held: boolean):
  InventoryDecision {
  const tag = (concern: string) => (r: InventoryRef): InventoryRef => ({ ...r, concern });
  const next: InventoryRef[] = [];
  const known = new Set<string>();
  for (const s of statements) {
    if (s.wanted.known) {
      known.add(s.concern);
      next.push(...s.wanted.objects.map(tag(s.concern)));
    } else {
      next.push(...previous.filter((r) => r.concern === s.concern), ...s.recorded.map(tag(s.concern)));
    }
  }
  const wantedKeys = new Set(next.map(inventoryKey));
  // Entries written before concerns were recorded belong to whoever names them now; unnamed, only a pass in which
  // every concern spoke positively may drop them (the rule before this field existed).
  const everyoneKnown = statements.every((s) => s.wanted.known);
  const prunable = (r: InventoryRef) => !held && !wantedKeys.has(inventoryKey(r)) &&
    (r.concern === undefined ? everyoneKnown : known.has(r.concern));
  const prune = previous.filter(prunable);
  const pruned = new Set(prune.map(inventoryKey));
  const kept = previous.filter((r) => !pruned.has(inventoryKey(r)) && !wantedKeys.has(inventoryKey(r)));
  return { inventory: mergeInventory([...kept, ...next], []), prune };
}
