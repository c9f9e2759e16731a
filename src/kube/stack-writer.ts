import type { ObjectClient } from './client.js';
import { ignoreNotFound } from './errors.js';
import { API_VERSION, KIND, type MetricsStack, type MetricsStackStatus } from '../api/v1alpha1/types.js';
import { FIELD_MANAGER, FINALIZER } from './labels.js';

/** The only writes the operator makes to a MetricsStack: its finalizer and its status. Never its spec (GitOps owns that). */
export interface StackWriter {
  /** Adds or removes our finalizer; false when the MetricsStack no longer exists. */
  setFinalizer(stack: MetricsStack, present: boolean): Promise<boolean>;
  patchStatus(name: string, status: MetricsStackStatus): Promise<void>;
}

export const hasFinalizer = (stack: MetricsStack): boolean => (stack.metadata?.finalizers ?? []).includes(FINALIZER);

/**
 * The finalizer is written with a JSON patch guarded by `test` operations on the uid and the list entry: a PATCH
 * never creates an object (an apply would recreate a MetricsStack that was deleted while our cache was stale), and
 * it adds or removes only our entry, never another controller's. Status is a server-side apply of the whole status,
 * so a condition we stop reporting disappears.
 */
export class ApplyStackWriter implements StackWriter {
  constructor(private readonly api: Pick<ObjectClient, 'patch' | 'apply'>) {}

  async setFinalizer(stack: MetricsStack, present: boolean): Promise<boolean> {
    const list = stack.metadata?.finalizers ?? [];
    // uid: never touch a namesake created after a delete; resourceVersion: the list we index into is the live one,
    // so another controller's finalizer added meanwhile is never replaced.
    const guard = [
      { op: 'test', path: '/metadata/uid', value: stack.metadata?.uid },
      { op: 'test', path: '/metadata/resourceVersion', value: stack.metadata?.resourceVersion },
    ];
    const index = list.indexOf(FINALIZER);
    let ops: object[];
    if (present) {
      if (index >= 0) return true;
      const add = list.length > 0
        ? { op: 'add', path: '/metadata/finalizers/-', value: FINALIZER }
        : { op: 'add', path: '/metadata/finalizers', value: [FINALIZER] };
      ops = [...guard, add];
    } else {
      if (index < 0) return true;
      ops = [...guard, { op: 'test', path: `/metadata/finalizers/${index}`, value: FINALIZER }, { op: 'remove', path: `/metadata/finalizers/${index}` }];
    }
    // Gone already: nothing to add a finalizer to, nothing left to release. A failed `test` (422) means our cache
    // is stale; it propagates, and the retry reads the fresh object.
    const patched = await ignoreNotFound(this.api.patch({ apiVersion: API_VERSION, kind: KIND, metadata: { name: stack.metadata?.name ?? '' } }, ops, 'json'));
    return patched !== undefined;
  }

  async patchStatus(name: string, status: MetricsStackStatus): Promise<void> {
    const body = { apiVersion: API_VERSION, kind: KIND, metadata: { name }, status } as MetricsStack;
    await this.api.apply(body, { fieldManager: FIELD_MANAGER, force: true, subresource: 'status' });
  }
}
