import type { Logger } from 'pino';
import type { MetricsStack, MetricsStackStatus } from '../../api/v1alpha1/types.js';
import type { DefaultedMetricsStackSpec } from '../../api/v1alpha1/defaults.js';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { InventoryRef } from '../../kube/cleanup.js';
import type { ConditionType } from '../../api/v1alpha1/conditions.js';
import { setCondition, removeCondition, type ConditionInput } from '../../kube/conditions.js';
import type { ApplySetResult } from './apply-set.js';
import type { NodeFacts } from '../platform/node-facts.js';

/** Placement of metrics-server's pods, as the Fargate reconciler decided it. */
export interface MetricsServerPlacementDecision {
  readonly namespace: string;
  readonly annotateEC2: boolean;
  readonly avoidFargateAffinity: boolean;
}

/**
 * What one pass of the parent reconciler hands each sub-reconciler. `status` is a private draft: sub-reconcilers
 * change only it, and the parent writes it once at the end, and only if it changed.
 */
export class StackContext {
  status: MetricsStackStatus;
  /** What the nodes say about the platform; set by the platform observer, which runs first. */
  nodeFacts: NodeFacts | undefined;
  /** Every object this pass wants to exist; the parent records it as the inventory and prunes the rest. */
  readonly owned: InventoryRef[] = [];
  /** Each backend's apply outcome; the parent folds them into ResourcesApplied. */
  readonly applyResults: ApplySetResult[] = [];
  /** Why this pass must not prune (see {@link StackContext.holdPruning}); empty: the parent prunes after a clean pass. */
  readonly pruningHeldBy: string[] = [];
  /**
   * Where metrics-server runs: decided by the Fargate reconciler (namespace for strategy Namespace, annotation and
   * affinity for Annotate) before the backend renders; undefined means the backend's own default.
   */
  placement: MetricsServerPlacementDecision | undefined;

  constructor(
    readonly stack: MetricsStack,
    readonly spec: DefaultedMetricsStackSpec,
    readonly now: Date,
    readonly log: Logger,
    /** The status we last wrote, when the cache has not caught up with that write yet. */
    writtenStatus?: MetricsStackStatus,
  ) {
    this.status = structuredClone(writtenStatus ?? stack.status ?? {});
    this.nodeFacts = undefined;
    this.placement = undefined;
  }

  /**
   * Keeps every object of the last inventory this pass, wanted or not: an API is being handed from one backend to
   * another (the old one serves until the new one is ready), or a rejected spec leaves the running backend as it is.
   */
  holdPruning(reason: string): void {
    this.pruningHeldBy.push(reason);
  }

  /** Notes that this pass wants `obj` to exist (applied or unchanged). */
  recordOwned(obj: KubernetesObject): void {
    const namespace = obj.metadata?.namespace;
    this.owned.push({ apiVersion: obj.apiVersion ?? '', kind: obj.kind ?? '', name: obj.metadata?.name ?? '', ...(namespace ? { namespace } : {}) });
  }

  get name(): string {
    return this.stack.metadata?.name ?? '';
  }

  get generation(): number {
    return this.stack.metadata?.generation ?? 0;
  }

  setCondition(input: ConditionInput): void {
    this.status.conditions = setCondition(this.status.conditions ?? [], input, this.generation, this.now);
  }

  removeCondition(type: ConditionType): void {
    this.status.conditions = removeCondition(this.status.conditions ?? [], type);
  }
}

/** One concern of the MetricsStack: observe → decide (pure) → apply → set conditions on the draft status. */
export interface SubReconciler {
  readonly name: string;
  reconcile(ctx: StackContext): Promise<{ readonly requeueAfterMs?: number }>;
}

/** A named object cache (an informer's store), so reconcilers never list from the API. */
export interface ObjectCache<T> {
  get(name: string, namespace?: string): T | undefined;
  list(): readonly T[];
}
