import type { KubernetesObject } from '@kubernetes/client-node';
import type { ObjectClient } from './client.js';
import { decideApply, describeObject, type ApplyPolicy } from './apply-decision.js';
import { apiMessage, ignoreNotFound, isConflict } from './errors.js';
import { takeOverConflictingFields } from './adoption.js';
import { foreignAdditions, mergeChanges, overriddenFields, type ForeignChange } from './foreign-fields.js';
import { FIELD_MANAGER, ownerOf, withOwnership } from './labels.js';

export type ApplyResult = 'applied' | 'unchanged' | 'conflict';

export interface ApplyOutcome {
  readonly result: ApplyResult;
  /** The object as the apiserver returned it (applied) or as it is live (unchanged, conflict). */
  readonly object?: KubernetesObject;
  /** For a conflict: who owns it and how to fix it. */
  readonly message?: string;
  /** What other field managers had changed on this object of ours, now undone: reported in an Event. */
  readonly foreign?: readonly ForeignChange[];
}

/** Looks an object up in an informer cache; undefined when the kind is not watched or the object is not ours. */
export type CacheLookup = (ref: KubernetesObject) => KubernetesObject | undefined;

/**
 * Server-side apply with field manager `metricsstack-operator`, guarded by {@link decideApply}: objects we own are
 * applied only when they differ, objects we do not own are never touched unless the spec adopts them. On an object
 * of ours, what another manager added to the pod template is removed afterwards (see foreign-fields.ts).
 */
export class Applier {
  constructor(
    private readonly api: Pick<ObjectClient, 'read' | 'apply' | 'patch'>,
    private readonly lookup: CacheLookup,
  ) {}

  async apply(rendered: KubernetesObject, policy: ApplyPolicy): Promise<ApplyOutcome> {
    const desired = withOwnership(rendered, policy.owner);
    // Foreign objects are not in our label-selected caches, so a miss must be confirmed with one GET.
    const live = this.lookup(desired) ?? (await ignoreNotFound(this.api.read(refOf(desired))));
    const decision = decideApply(desired, live, policy);
    if (decision.action === 'conflict') return { result: 'conflict', object: live, message: decision.message };
    const ours = live !== undefined && ownerOf(live) === policy.owner;
    const reverted = ours && decision.action === 'apply' ? overriddenFields(desired, live) : [];
    let object = live;
    if (decision.action === 'apply') {
      const out = await this.#apply(desired, live, decision.force, policy);
      if (out.result === 'conflict') return out;
      object = out.object;
    }
    // Server-side apply leaves the fields another manager added to their owner, forced or not: a JSON patch removes them.
    const additions = ours && object ? foreignAdditions(desired, object) : { patch: [], changes: [] };
    if (additions.patch.length > 0) {
      object = await this.api.patch(refOf(desired), additions.patch, 'json', { fieldManager: FIELD_MANAGER }).catch((err: unknown) => {
        throw new Error(`${describeObject(desired)}: removing fields other managers added failed (${apiMessage(err)}); retrying`);
      });
    }
    const foreign = mergeChanges([...reverted, ...additions.changes]);
    const result = decision.action === 'apply' || additions.patch.length > 0 ? 'applied' : 'unchanged';
    return { result, ...(object && { object }), ...(foreign.length > 0 && { foreign }) };
  }

  async #apply(desired: KubernetesObject, live: KubernetesObject | undefined, force: boolean, policy: ApplyPolicy): Promise<ApplyOutcome> {
    // A forced apply trusts that the object is still the one we looked at; the resourceVersion makes the apiserver
    // check it (a cached copy can be stale: ours deleted, a namesake created by someone else), answering 409 if not.
    const precondition = force && live?.metadata?.resourceVersion;
    const adopting = force && live !== undefined && ownerOf(live) !== policy.owner;
    const wanted = adopting ? takeOverConflictingFields(desired, live) : desired;
    const body = precondition ? { ...wanted, metadata: { ...wanted.metadata, resourceVersion: precondition } } : wanted;
    try {
      const object = await this.api.apply(body, { fieldManager: FIELD_MANAGER, force });
      return { result: 'applied', object };
    } catch (err) {
      if (!isConflict(err)) throw err;
      if (precondition) throw new Error(`${describeObject(desired)} changed since it was read (resourceVersion ${precondition}); retrying with a fresh copy`);
      return {
        result: 'conflict',
        message: `${describeObject(desired)}: another field manager owns fields the operator must set (${apiMessage(err)}). ` +
          `Set ${policy.adoptField}: true to take it over.`,
      };
    }
  }
}

/** The smallest object that names a resource, for reads and deletes. */
export function refOf(obj: KubernetesObject): KubernetesObject & { metadata: { name: string } } {
  const { apiVersion, kind } = obj;
  const name = obj.metadata?.name ?? '';
  const namespace = obj.metadata?.namespace;
  return { apiVersion, kind, metadata: namespace ? { name, namespace } : { name } };
}
