/**
 * The order of one pass, declared once. Sub-reconcilers hand each other data on the StackContext; each names what it
 * reads and provides, and the parent checks at construction that every read comes after its provider, so a reorder
 * fails at start-up instead of, say, rendering metrics-server before its placement is decided.
 */
import type { HandOff, SubReconciler } from './context.js';

/** The sub-reconcilers of a MetricsStack, by role. */
export interface StackSubReconcilers {
  /** What the nodes say (EKS or not, EC2 and Fargate nodes): most of what follows decides from it. */
  readonly platform: SubReconciler;
  /** The aggregation-layer prerequisites, reported before the APIs that need them are deployed. */
  readonly aggregation: SubReconciler;
  /** Where metrics-server goes (namespace, annotation, affinity), before a backend renders it. */
  readonly fargatePlacement: SubReconciler;
  /** metrics-server and prometheus-adapter: apply, hand APIs over, verify. */
  readonly backends: readonly SubReconciler[];
  /** Where metrics-server's pods actually landed, once the backends have applied them. */
  readonly fargateVerifier: SubReconciler;
  /** Cluster Autoscaler's IRSA, ASG tags and Deployment; independent of the metrics pipeline. */
  readonly clusterAutoscaler: SubReconciler;
  /** The HPA doctor: every HPA's verdict, beside Ready (never in it). Last: it reads what the others left. */
  readonly hpaDoctor?: SubReconciler | undefined;
}

/** The one order of a pass. */
export function orderSubReconcilers(s: StackSubReconcilers): SubReconciler[] {
  return [s.platform, s.aggregation, s.fargatePlacement, ...s.backends, s.fargateVerifier, s.clusterAutoscaler, ...(s.hpaDoctor ? [s.hpaDoctor] : [])];
}

/** Throws when a sub-reconciler reads a hand-off that no sub-reconciler before it provides. */
export function checkOrder(subs: readonly SubReconciler[]): void {
  const provided = new Set<HandOff>();
  for (const sub of subs) {
    const missing = (sub.reads ?? []).filter((r) => !provided.has(r));
    if (missing.length > 0) {
      throw new Error(
        `sub-reconciler ${sub.name} reads ${missing.map((m) => `ctx.${m}`).join(', ')} before any sub-reconciler provides it ` +
          `(order: ${subs.map((x) => x.name).join(' → ')})`,
      );
    }
    for (const p of sub.provides ?? []) provided.add(p);
  }
}
