import { PatchStrategy, setHeaderOptions, type CustomObjectsApi, type KubernetesObjectApi } from '@kubernetes/client-node';
import { API_VERSION, GROUP, KIND, PLURAL, VERSION, type MetricsStack, type MetricsStackStatus } from '../api/v1alpha1/types.js';
import { FIELD_MANAGER, FINALIZER } from './labels.js';

/** The only writes the operator makes to a MetricsStack: its finalizer and its status. Never its spec (GitOps owns that). */
export interface StackWriter {
  setFinalizer(name: string, present: boolean): Promise<void>;
  patchStatus(name: string, status: MetricsStackStatus): Promise<void>;
}

export const hasFinalizer = (stack: MetricsStack): boolean => (stack.metadata?.finalizers ?? []).includes(FINALIZER);

/**
 * Both writes are server-side applies under our own field manager: finalizers is a set, so applying [ours] or []
 * adds or removes only our entry and never races with another controller's finalizer; status is applied whole,
 * so a condition we stop reporting disappears.
 */
export class ApplyStackWriter implements StackWriter {
  constructor(
    private readonly objects: KubernetesObjectApi,
    private readonly custom: CustomObjectsApi,
  ) {}

  async setFinalizer(name: string, present: boolean): Promise<void> {
    const body = { apiVersion: API_VERSION, kind: KIND, metadata: { name, finalizers: present ? [FINALIZER] : [] } };
    await this.objects.patch(body, undefined, undefined, `${FIELD_MANAGER}-finalizer`, true, PatchStrategy.ServerSideApply);
  }

  async patchStatus(name: string, status: MetricsStackStatus): Promise<void> {
    await this.custom.patchClusterCustomObjectStatus(
      { group: GROUP, version: VERSION, plural: PLURAL, name, body: { apiVersion: API_VERSION, kind: KIND, metadata: { name }, status }, fieldManager: FIELD_MANAGER, force: true },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    );
  }
}
