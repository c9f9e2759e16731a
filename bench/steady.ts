import { AWS_DRIFT_CHECK_MS, AWS_TTL_MS } from '../src/cloud/aws/ttl.js';
import { condition, stackApi } from '../test/support/stacks.js';
import { byVerb, isLease, isWatch, readAudit, WRITE_VERBS } from './audit.js';
import type { BenchEnv, RunningOperator } from './env.js';
import { progress, sleep } from './log.js';

/**
 * Section 2: after convergence (Ready=True and a settle of two resync periods), a window of `windowMs` with nothing
 * changing while the operator resyncs every `resyncMs`: its API requests by verb (audit log; lease renewals of leader
 * election apart), AWS calls at the SDK middleware (its metricsstack_aws_calls_total) and on the wire (the relay in
 * front of moto). The window must end before the 30 min drift-check TTL expires for the caches filled at convergence;
 * the shorter TTLs (notFound, fargateTransitioning 1 min; failureRecheck 2 min) apply only to failing or changing
 * states, which is why a healthy stack must show 0 AWS calls here.
 */
export interface SteadyResult {
  windowS: number; resyncS: number; reconciles: number;
  apiWrites: number; apiWritesByVerb: Record<string, number>;
  apiReads: number; apiReadsByVerb: Record<string, number>;
  leaseWrites: number;
  awsCallsSdk: number; awsCallsWire: number; awsWireByCall: Record<string, number>;
  /** Minutes from the operator's first AWS call to the window's end: must stay under the drift-check TTL. */
  windowEndAfterFirstAwsCallMin: number; driftTtlMin: number;
  ready: boolean; readyReason: string;
}

export async function runSteady(env: BenchEnv, op: RunningOperator, windowMs: number, resyncMs: number): Promise<SteadyResult> {
  if (!env.auditLog) throw new Error('steady state needs an audited cluster');
  const stacks = stackApi(env.cluster.kubeConfig);
  await sleep(2 * resyncMs);
  const sdk0 = await op.metric('metricsstack_aws_calls_total');
  const wire0 = env.proxy.counts();
  const rec0 = await op.metric('metricsstack_reconcile_total');
  const from = Date.now();
  progress(`steady state: ${windowMs / 1000} s window, resync ${resyncMs / 1000} s`);
  await sleep(windowMs);
  const to = Date.now();
  const [sdk1, rec1, stack] = [await op.metric('metricsstack_aws_calls_total'), await op.metric('metricsstack_reconcile_total'), await stacks.get('default')];
  const wire1 = env.proxy.counts();
  const wireDelta: Record<string, number> = {};
  for (const [k, v] of Object.entries(wire1)) if (v > (wire0[k] ?? 0)) wireDelta[k] = v - (wire0[k] ?? 0);
  const events = readAudit(env.auditLog).filter((e) => e.received >= from && e.received < to && !isWatch(e));
  const writes = events.filter((e) => WRITE_VERBS.has(e.verb) && !isLease(e));
  const reads = events.filter((e) => !WRITE_VERBS.has(e.verb) && !isLease(e));
  const ready = condition(stack, 'Ready');
  const first = env.proxy.firstAt();
  return {
    windowS: windowMs / 1000, resyncS: resyncMs / 1000, reconciles: rec1 - rec0,
    apiWrites: writes.length, apiWritesByVerb: byVerb(writes), apiReads: reads.length, apiReadsByVerb: byVerb(reads),
    leaseWrites: events.filter((e) => isLease(e) && WRITE_VERBS.has(e.verb)).length,
    awsCallsSdk: sdk1 - sdk0, awsCallsWire: Object.values(wireDelta).reduce((a, b) => a + b, 0), awsWireByCall: wireDelta,
    windowEndAfterFirstAwsCallMin: first === undefined ? NaN : (to - first) / 60_000, driftTtlMin: AWS_DRIFT_CHECK_MS / 60_000,
    ready: ready?.status === 'True', readyReason: ready?.reason ?? 'none',
  };
}

/** The TTLs the steady window is chosen against, for the JSON. */
export const AWS_TTLS_MIN = Object.fromEntries(Object.entries(AWS_TTL_MS).map(([k, v]) => [k, v / 60_000]));
