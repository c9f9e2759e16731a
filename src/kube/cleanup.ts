import type { KubernetesObject } from '@kubernetes/client-node';
import type { ObjectClient } from './client.js';
import { refOf } from './applier.js';
import { ignoreNotFound } from './errors.js';
import { byOrdinal } from '../ordinal.js';
import { MANAGED_BY_LABEL, OWNER_LABEL } from '../render/common/ownership.js';
import { ownerOf } from './labels.js';

export type DeletionPolicy = 'Delete' | 'Orphan';

/** What a MetricsStack created, as recorded in status.inventory and found in our caches. */
export interface InventoryRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** The sub-reconciler whose object it is; its statement alone decides whether it is pruned. */
  readonly concern?: string;
}

export const inventoryKey = (r: InventoryRef): string => `${r.apiVersion}/${r.kind}/${r.namespace ?? ''}/${r.name}`;

/** Union of the recorded inventory and what the caches show as ours: an apply that crashed before its status write is not leaked. */
export function mergeInventory(recorded: readonly InventoryRef[], cached: readonly KubernetesObject[]): InventoryRef[] {
  const all = new Map<string, InventoryRef>();
  for (const r of recorded) all.set(inventoryKey(r), r);
  for (const o of cached) {
    const r: InventoryRef = {
      apiVersion: o.apiVersion ?? '', kind: o.kind ?? '', name: o.metadata?.name ?? '',
      ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}),
    };
    all.set(inventoryKey(r), r);
  }
  return [...all.values()].sort((a, b) => byOrdinal(inventoryKey(a), inventoryKey(b)));
}

/**
 * Delete: removes every child that is still ours (404 counts as done). Orphan: leaves them running but drops our
 * ownership labels, so a later MetricsStack must adopt them explicitly instead of silently taking them over.
 * Each object is read first and touched only if its labels still name `owner`: an inventory entry is a memory of
 * what we created, and since then Helm, Argo CD or a person may have taken the object over. The delete carries the
 * uid just read as a precondition, so an object recreated by someone else in between is not deleted either.
 * Returns what was left alone because it is no longer ours.
 */
export async function releaseInventory(
  api: Pick<ObjectClient, 'read' | 'patch' | 'delete'>, refs: readonly InventoryRef[], policy: DeletionPolicy, owner: string,
): Promise<string[]> {
  const skipped: string[] = [];
  for (const r of refs) {
    const ref = refOf({ apiVersion: r.apiVersion, kind: r.kind, metadata: { name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) } });
    const live = await ignoreNotFound(api.read(ref));
    if (!live) continue;
    if (ownerOf(live) !== owner) {
      skipped.push(inventoryKey(r));
      continue;
    }
    if (policy === 'Delete') {
      const uid = live.metadata?.uid;
      await ignoreNotFound(api.delete(ref, uid ? { uid } : {}));
    } else {
      await ignoreNotFound(api.patch(ref, { metadata: { labels: { [OWNER_LABEL]: null, [MANAGED_BY_LABEL]: null } } }, 'merge'));
    }
  }
  return skipped;
}
