import type { KubernetesObject } from '@kubernetes/client-node';
import { describeObject, type ApplyPolicy } from '../../kube/apply-decision.js';
import type { Applier } from '../../kube/applier.js';
import type { ConditionInput } from '../../kube/conditions.js';
import { foreignChangeMessage } from '../../kube/foreign-fields.js';

/** What applying a set of rendered objects came to. */
export interface ApplySetResult {
  readonly applied: number;
  readonly unchanged: number;
  /** One message per object left untouched because someone else owns it. */
  readonly conflicts: readonly string[];
  /** The objects as they are now, by `Kind/namespace/name`, for verification. */
  readonly live: ReadonlyMap<string, KubernetesObject>;
  /** One Event message per other field manager whose changes to these objects were undone. */
  readonly foreignChanges?: readonly string[];
}

/**
 * What applying needs of the pass (the StackContext): the owner's name, and where to record what it owns. Named
 * here, not imported, so the context can hold apply results without the two files importing each other.
 */
export interface ApplyOwner {
  readonly name: string;
  recordOwned(obj: KubernetesObject): void;
}

export const objectId = (o: KubernetesObject): string => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/**
 * Applies each object in order (RBAC and Service before the Deployment, APIService last, as rendered), records the
 * ones this stack owns in the context's inventory, and collects conflicts instead of stopping at the first, so the
 * status lists every object that needs attention.
 */
export async function applySet(
  applier: Applier, ctx: ApplyOwner, objects: readonly KubernetesObject[], policy: Omit<ApplyPolicy, 'owner'>,
): Promise<ApplySetResult> {
  let applied = 0;
  let unchanged = 0;
  const conflicts: string[] = [];
  const foreignChanges: string[] = [];
  const live = new Map<string, KubernetesObject>();
  for (const obj of objects) {
    const out = await applier.apply(obj, { ...policy, owner: ctx.name });
    for (const change of out.foreign ?? []) foreignChanges.push(foreignChangeMessage(describeObject(obj), change));
    if (out.result === 'conflict') {
      conflicts.push(out.message ?? `${objectId(obj)} conflicts`);
      continue;
    }
    ctx.recordOwned(obj);
    if (out.object) live.set(objectId(obj), out.object);
    if (out.result === 'applied') applied++;
    else unchanged++;
  }
  return { applied, unchanged, conflicts, live, ...(foreignChanges.length > 0 && { foreignChanges }) };
}

/** ResourcesApplied, from one or more apply sets. */
export function resourcesAppliedCondition(results: readonly ApplySetResult[]): ConditionInput {
  const conflicts = results.flatMap((r) => r.conflicts);
  const applied = results.reduce((n, r) => n + r.applied, 0);
  const unchanged = results.reduce((n, r) => n + r.unchanged, 0);
  if (conflicts.length > 0) {
    return { type: 'ResourcesApplied', status: 'False', reason: 'Conflict', message: conflicts.join(' ') };
  }
  return { type: 'ResourcesApplied', status: 'True', reason: 'Applied', message: `${applied + unchanged} managed objects are in place` };
}
