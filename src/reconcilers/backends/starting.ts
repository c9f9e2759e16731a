/**
 * A backend that is still starting: its Deployments roll out, or finished moments ago. An API that does not answer
 * yet is then expected, not a failure (KEDA's lesson, argo-cd #28522: a self-healing state reported as Ready=False
 * during a rollout turns Argo CD's health Degraded and fails `argocd app wait`). The decisions are pure;
 * BackendReconciler sets them on the pass's in-memory status after verify (holdWhileStarting).
 */
import type { KubernetesObject, V1Deployment } from '@kubernetes/client-node';
import { AggregatorReason, type Condition, type ConditionType } from '../../api/v1alpha1/conditions.js';
import type { ConditionInput } from '../../kube/conditions.js';
import { objectId } from '../stack/apply-set.js';
import type { StackContext } from '../stack/context.js';

/** Where a backend's Deployments are, read from their status as `kubectl rollout status` reads it. */
export type Startup =
  | { readonly phase: 'starting'; readonly detail: string }
  /** failed: the Deployment controller gave up (ProgressDeadlineExceeded), so a failing API is a failure now too. */
  | { readonly phase: 'started' | 'failed' };

/** Reasons that mean an API does not answer yet: every aggregator verdict, an unlisted API, no metrics so far. */
const NOT_ANSWERING_YET: ReadonlySet<string> = new Set([...Object.values(AggregatorReason), 'APIServiceUnavailable', 'NoMetricsReturned']);

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** One Deployment: rolling out (not observed, not all updated and available), done (and when), or past its deadline. */
function deploymentStartup(d: V1Deployment | undefined, id: string, now: Date, graceMs: number): Startup {
  const progressing = d?.status?.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') return { phase: 'failed' };
  const s = d?.status;
  const want = d?.spec?.replicas ?? 1;
  const observed = (s?.observedGeneration ?? 0) >= (d?.metadata?.generation ?? 1);
  if (!observed || (s?.updatedReplicas ?? 0) < want || (s?.availableReplicas ?? 0) < want || progressing?.reason !== 'NewReplicaSetAvailable') {
    return { phase: 'starting', detail: `${id} is rolling out (${s?.updatedReplicas ?? 0} of ${want} pods updated, ${s?.availableReplicas ?? 0} available)` };
  }
  // lastUpdateTime moves when the reason becomes NewReplicaSetAvailable: the moment this rollout completed.
  const sinceMs = now.getTime() - new Date(progressing.lastUpdateTime ?? 0).getTime();
  return sinceMs < graceMs ? { phase: 'starting', detail: `${id} rolled out ${seconds(sinceMs)} ago` } : { phase: 'started' };
}

/**
 * The backend's startup, from the live state of the Deployments it renders: starting while any rolls out or finished
 * less than `graceMs` ago (the time its pods need to serve, e.g. two metric resolutions), failed once any is past its
 * progress deadline (so a rollout that never completes still ends in a failure), else started.
 */
export function backendStartup(objects: readonly KubernetesObject[], live: ReadonlyMap<string, KubernetesObject>, now: Date, graceMs: number): Startup {
  const states = objects.filter((o) => o.kind === 'Deployment').map((o) =>
    deploymentStartup(live.get(objectId(o)) as V1Deployment | undefined, `Deployment ${o.metadata?.namespace}/${o.metadata?.name}`, now, graceMs));
  const failed = states.find((s) => s.phase === 'failed');
  const starting = states.filter((s) => s.phase === 'starting');
  if (failed) return failed;
  return starting.length > 0 ? { phase: 'starting', detail: starting.map((s) => s.detail).join(', ') } : { phase: 'started' };
}

/**
 * What to report instead of the `type` condition verify set (`current`) while the backend starts: an API that does
 * not answer yet is Unknown (reason Starting, the aggregator's words kept in the message) rather than False.
 * Undefined when the condition stands as it is.
 */
export function whileStarting(type: ConditionType, current: Condition | undefined, startup: Startup, graceMs: number): ConditionInput | undefined {
  if (startup.phase !== 'starting' || current?.status !== 'False' || !NOT_ANSWERING_YET.has(current.reason)) return undefined;
  const message = `${startup.detail}; an API may take ${seconds(graceMs)} after a rollout to answer, so this is not a failure yet: ${current.message}`;
  return { type, status: 'Unknown', reason: 'Starting', message };
}

/** Holds each of `types` (as verify just set them) while the backend starts: see {@link whileStarting}. */
export function holdWhileStarting(ctx: StackContext, types: readonly ConditionType[], startup: Startup, graceMs: number): void {
  for (const type of types) {
    const held = whileStarting(type, ctx.status.conditions?.find((c) => c.type === type), startup, graceMs);
    if (held) ctx.setCondition(held);
  }
}
