import type { KubernetesObject } from '@kubernetes/client-node';
import type { ManagedInformer } from './manager.js';

/** What the set needs of each member ({@link ControllerInformer} fits). */
export interface MemberInformer<T> extends ManagedInformer {
  get(name: string, namespace?: string): T | undefined;
  list(): readonly T[];
}

/**
 * Several informers of one kind (one per namespace, or per name) behind one cache, as controller-runtime's
 * multi-namespace cache: RBAC granted per namespace cannot serve a cluster-wide list and watch.
 */
export class InformerSet<T extends KubernetesObject> implements ManagedInformer {
  readonly synced: Promise<void>;

  constructor(private readonly members: readonly MemberInformer<T>[]) {
    this.synced = Promise.all(members.map((m) => m.synced)).then(() => undefined);
  }

  start(): void {
    for (const m of this.members) m.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.members.map((m) => m.stop()));
  }

  /** The cached object: each member holds its own namespace (or name), so at most one has it. */
  get(name: string, namespace?: string): T | undefined {
    for (const m of this.members) {
      const found = m.get(name, namespace);
      if (found) return found;
    }
    return undefined;
  }

  list(): readonly T[] {
    return this.members.flatMap((m) => m.list());
  }
}
