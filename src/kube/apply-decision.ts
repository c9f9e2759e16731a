import type { KubernetesObject } from '@kubernetes/client-node';
import { driftOf } from './drift.js';
import { otherManagers, ownerOf } from './labels.js';

/** What to do with one desired child, given what is live. Pure, so the ownership rules are table-tested. */
export type ApplyDecision =
  | { readonly action: 'apply'; readonly force: boolean }
  | { readonly action: 'skip' }
  | { readonly action: 'conflict'; readonly message: string };

export interface ApplyPolicy {
  /** The MetricsStack that wants the object. */
  readonly owner: string;
  /** The user allowed taking over an object another manager created. */
  readonly adopt: boolean;
  /** The spec field that allows adoption, named in the conflict message so the fix is one edit away. */
  readonly adoptField: string;
}

export const describeObject = (o: KubernetesObject): string =>
  `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;

/**
 * - absent → apply (no force: if it appeared meanwhile, the apiserver's conflict is reported, not overridden);
 * - ours and unchanged → skip (zero writes in steady state);
 * - ours and drifted ({@link driftOf}: a value differs, or we own a field no longer rendered) → apply with force
 *   (we own it; hand edits are repaired, dropped fields removed);
 * - another MetricsStack's → conflict, always (two stacks must never fight over one object);
 * - nobody's we know (Helm, the EKS add-on, kubectl) → conflict unless the spec adopts it.
 */
export function decideApply(desired: KubernetesObject, live: KubernetesObject | undefined, policy: ApplyPolicy): ApplyDecision {
  if (!live) return { action: 'apply', force: false };
  const owner = ownerOf(live);
  if (owner === policy.owner) {
    return driftOf(desired, live) === undefined ? { action: 'skip' } : { action: 'apply', force: true };
  }
  if (owner !== undefined) {
    return {
      action: 'conflict',
      message: `${describeObject(live)} belongs to MetricsStack "${owner}"; only one MetricsStack may manage it. ` +
        'Delete one of the two MetricsStacks, or change what this one deploys.',
    };
  }
  if (policy.adopt) return { action: 'apply', force: true };
  const managers = otherManagers(live);
  const by = managers.length > 0 ? `managed by ${managers.join(', ')}` : 'not created by this operator';
  return {
    action: 'conflict',
    message: `${describeObject(live)} already exists and is ${by}; it was left untouched. Set ${policy.adoptField}: true to let the ` +
      'operator take it over, or remove it (for example uninstall the Helm release or the EKS add-on that created it).',
  };
}

/** Thrown where a backend finds, before rendering, an object it needs that someone else owns: reported as Conflict. */
export class OwnershipConflictError extends Error {
  override readonly name = 'OwnershipConflictError';
}
