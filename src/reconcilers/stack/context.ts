import type { Logger } from 'pino';
import type { MetricsStack, MetricsStackStatus } from '../../api/v1alpha1/types.js';
import type { DefaultedMetricsStackSpec } from '../../api/v1alpha1/defaults.js';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { InventoryRef } from '../../kube/cleanup.js';
import type { ConditionReason, ConditionType } from '../../api/v1alpha1/conditions.js';
import { setCondition, removeCondition, type ConditionInput } from '../../kube/conditions.js';
import type { ApplySetResult } from './apply-set.js';
import type { NodeFacts } from '../platform/node-facts.js';
import type { OwningResult } from './wanted.js';

/** Placement of metrics-server's pods, as the Fargate reconciler decided it. */
export interface MetricsServerPlacementDecision {
  readonly namespace: string;
  readonly annotateEC2: boolean;
  readonly avoidFargateAffinity: boolean;
}

/** The True verdict FargatePlacement expects, for the verifier to confirm from where the pods actually run. */
export interface PlacementCheck {
  readonly reason: ConditionReason;
  readonly message: string;
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
   * Where metrics-server runs: decided by FargatePlacement (namespace for strategy Namespace, annotation and affinity
   * for Annotate), which runs before the backends render (stack/order.ts).
   */
  placement: MetricsServerPlacementDecision | undefined;
  /** Set by FargatePlacement when the pods must prove the verdict; the verifier, after the backends, checks them. */
  placementCheck: PlacementCheck | undefined;
  /**
   * Nodes metrics.k8s.io has no metrics for, and why (node-coverage.ts): set by the metrics-server backends' verify
   * once the API answered, read by the HPA doctor (PodsOnUnreachableNodes). Unset: not known this pass.
   */
  unscrapedNodes: ReadonlyMap<string, string> | undefined;

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
    this.placementCheck = undefined;
    this.unscrapedNodes = undefined;
  }

  /** A hand-off an earlier sub-reconciler of this pass must have set; unset means the order is wrong. */
  need<K extends HandOff>(key: K): NonNullable<StackContext[K]> {
    const value = this[key];
    if (value === undefined) throw new Error(`ctx.${key} is read before any sub-reconciler set it this pass`);
    return value as NonNullable<StackContext[K]>;
  }

  /**
   * Keeps every object of the last inventory this pass, wanted or not: an API is being handed from one backend to
   * another (the old one serves until the new one is ready), or a rejected spec leaves the running backend as it is.
   */
  holdPruning(reason: string): void {
    this.pruningHeldBy.push(reason);
  }

  /** Notes that this pass wants `obj` to exist (applied or unchanged), as an object of the running concern. */
  recordOwned(obj: KubernetesObject): void {
    const namespace = obj.metadata?.namespace;
    this.owned.push({
      apiVersion: obj.apiVersion ?? '', kind: obj.kind ?? '', name: obj.metadata?.name ?? '', ...(namespace ? { namespace } : {}),
      ...(this.#concern ? { concern: this.#concern } : {}),
    });
  }

  /** The parent names the sub-reconciler about to run: what it records belongs to that concern. */
  beginConcern(name: string): void {
    this.#concern = name;
  }

  /** What the running concern has recorded so far this pass: its positive statement, usually. */
  recorded(): InventoryRef[] {
    return this.owned.filter((r) => r.concern === this.#concern);
  }

  #concern: string | undefined;

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

/** The context fields one sub-reconciler sets for those after it (Pick rejects a name that is not a field). */
export type HandOff = keyof Pick<StackContext, 'nodeFacts' | 'placement' | 'placementCheck' | 'unscrapedNodes'>;

/**
 * One concern of the MetricsStack: observe → decide (pure) → apply → set conditions on the draft status. A concern
 * either owns no objects, or states on every return path which objects it wants (or that it cannot tell).
 */
export type SubReconciler = ObservingReconciler | OwningReconciler;

interface SubReconcilerBase {
  readonly name: string;
  /** Hand-offs it reads: an earlier sub-reconciler must provide each (checked by stack/order.ts). */
  readonly reads?: readonly HandOff[];
  /** Hand-offs it sets (or, when nothing applies, leaves unset) for the sub-reconcilers after it. */
  readonly provides?: readonly HandOff[];
}

/** Observes, decides and sets conditions; creates no object, so nothing of its can ever be pruned. */
export interface ObservingReconciler extends SubReconcilerBase {
  readonly owns: 'nothing';
  reconcile(ctx: StackContext): Promise<{ readonly requeueAfterMs?: number }>;
}

/** Creates objects: each pass ends with {@link OwningResult}'s statement, which decides what is pruned. */
export interface OwningReconciler extends SubReconcilerBase {
  readonly owns: 'objects';
  reconcile(ctx: StackContext): Promise<OwningResult>;
}

/** A named object cache (an informer's store), so reconcilers never list from the API. */
export interface ObjectCache<T> {
  get(name: string, namespace?: string): T | undefined;
  list(): readonly T[];
}
