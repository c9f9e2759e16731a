import { PatchStrategy, type KubernetesObject, type KubernetesObjectApi } from '@kubernetes/client-node';
import { refOf } from './applier.js';
import { ignoreNotFound } from './errors.js';
import { MANAGED_BY_LABEL, OWNER_LABEL } from './labels.js';

export type DeletionPolicy = 'Delete' | 'Orphan';

/** What a MetricsStack created, as recorded in status.inventory and found in our caches. */
export interface InventoryRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export const inventoryKey = (r: InventoryRef): string => `${r.apiVersion}/${r.kind}/${r.namespace ?? ''}/${r.name}`;

/** Union of the recorded inventory and what the caches show as ours: an apply that crashed before its status write is not leaked. */
export function mergeInventory(recorded: readonly InventoryRef[], cached: readonly KubernetesObject[]): InventoryRef[] {
  const all = new Map<string, InventoryRef>();
  for (const r of recorded) all.set(inventoryKey(r), r);
  for (const o of cached) {
    const r: InventoryRef = { apiVersion: o.apiVersion ?? '', kind: o.kind ?? '', name: o.metadata?.name ?? '', ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}) };
    all.set(inventoryKey(r), r);
  }
  return [...all.values()].sort((a, b) => inventoryKey(a).localeCompare(inventoryKey(b)));
}

/**
 * Delete: removes every child (404 counts as done). Orphan: leaves them running but drops our ownership labels,
 * so a later MetricsStack must adopt them explicitly instead of silently taking them over.
 */
export async function releaseInventory(api: KubernetesObjectApi, refs: readonly InventoryRef[], policy: DeletionPolicy): Promise<void> {
  for (const r of refs) {
    const ref = refOf({ apiVersion: r.apiVersion, kind: r.kind, metadata: { name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) } });
    if (policy === 'Delete') {
      await ignoreNotFound(api.delete(ref, undefined, undefined, undefined, undefined, 'Background'));
    } else {
      const patch = { ...ref, metadata: { ...ref.metadata, labels: { [OWNER_LABEL]: null, [MANAGED_BY_LABEL]: null } } };
      await ignoreNotFound(api.patch(patch as unknown as KubernetesObject, undefined, undefined, undefined, undefined, PatchStrategy.MergePatch));
    }
  }
}
