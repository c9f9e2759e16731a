import type { MetricsStack } from '../src/api/v1alpha1/types.js';
import { stackApi, until } from '../test/support/stacks.js';
import { readAudit } from './audit.js';
import type { BenchEnv } from './env.js';
import { OPERATOR_NAMESPACE } from './identity.js';
import { progress, sleep } from './log.js';
import { measureRtt, type Rtt } from './rtt.js';
import { summarizeSeries, type Mark, type SeriesResult } from './latency-summary.js';
import { GenerationWatch, now } from './watch.js';

export type { SeriesResult } from './latency-summary.js';

/**
 * Section 1: ≥ N spec changes (metricResolution flipped 15s ↔ 16s) of one MetricsStack; for each, the time from just
 * before the PATCH to the watch event carrying status.observedGeneration ≥ the new generation, and the operator's
 * requests the apiserver received in that interval (audit log; leases and watches excluded).
 */
export interface LatencyResult { rtt: Rtt; series: SeriesResult[] }

const NAME = 'default';

export async function runLatency(env: BenchEnv, changes: number, specs: { provider: string; spec: object }[], gapMs = 1000): Promise<LatencyResult> {
  if (!env.auditLog) throw new Error('latency needs an audited cluster');
  const rtt = await measureRtt(env.cluster, env.operatorToken, OPERATOR_NAMESPACE);
  progress(`RTT: GET ${rtt.getMs.toFixed(2)} ms, write ${rtt.writeMs.toFixed(2)} ms`);
  const op = await env.startOperator();
  const stacks = stackApi(env.cluster.kubeConfig);
  const series: SeriesResult[] = [];
  try {
    for (const { provider, spec } of specs) {
      const watch = await GenerationWatch.start(env.cluster.kubeConfig, NAME);
      try {
        const c0 = now();
        await stacks.create(NAME, spec);
        const createMs = (await watch.observed(1)) - c0;
        await sleep(3_000); // the first reconcile's follow-ups (owned objects appearing) settle
        const marks: Mark[] = [];
        for (let i = 0; i < changes; i++) {
          const t0 = now();
          const res = (await stacks.patchSpec(NAME, '/spec/metricsServer/metricResolution', i % 2 === 0 ? '16s' : '15s')) as MetricsStack;
          const written = now();
          const t1 = await watch.observed(res.metadata?.generation ?? NaN);
          marks.push({ t0, written, t1 });
          await sleep(gapMs);
        }
        const end = now();
        series.push({ ...summarizeSeries(provider, createMs, marks, end, readAudit(env.auditLog), rtt), watchRestarts: watch.restarts });
        progress(`latency ${provider}: p50 ${series.at(-1)!.p50.toFixed(1)} ms, p99 ${series.at(-1)!.p99.toFixed(1)} ms, ${series.at(-1)!.requests} requests/change`);
      } finally {
        watch.stop();
      }
      await stacks.delete(NAME);
      await until(`${NAME} deleted`, async () => !(await stacks.exists(NAME)), 60_000);
    }
  } finally {
    await op.stop();
  }
  return { rtt, series };
}
