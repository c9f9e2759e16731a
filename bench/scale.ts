import type { MetricsStack } from '../src/api/v1alpha1/types.js';
import { stackApi, until } from '../test/support/stacks.js';
import { readAudit } from './audit.js';
import { Bulk } from './bulk.js';
import type { BenchConfig } from './config.js';
import { startBenchEnv } from './env.js';
import { progress, sleep } from './log.js';
import { populate, readyNodes, SCALE_CLUSTER, type Setup } from './populate.js';
import { cpuPercent, sample } from './procstat.js';
import { metricsServerSpec } from './specs.js';
import { median } from './stats.js';
import { targetReads } from './hpas.js';

/**
 * Section 3: the production bundle's memory and CPU on a kwok cluster of N EC2-shaped nodes with `podsPerNode` pods
 * each, populated before the operator starts (its first LIST is the largest). Each repetition starts a fresh operator
 * on the same populated cluster, waits until it has reconciled the stack, then idles for `idleMs`: RSS (VmRSS, median
 * of 1 s samples), peak RSS (VmHWM) since start, the V8 heap in use at the end, and CPU over the window as % of one core. The stack is metrics-server with
 * kubeletTLS Insecure (no kubelet dialling: node IPs are not routable here); without network mode the metrics API
 * never answers, so the operator re-verifies it every 10 s: the idle CPU includes that, and leader-election renewals.
 */
/** RSS is the median of 1 s samples over the idle window (GC timing moves single readings by several MiB). */
/**
 * `targetReadsPerHpa`: the HPA doctor's GETs of the HPAs' scale targets over the run (the audit log, start to the end of
 * the idle window, shorter than one resync) divided by the HPAs; `passes`: the stack's passes in it. The budget is at
 * most one read per HPA per resync, however many passes. `minutes`: per whole minute of the idle window (a heartbeat
 * wave shows here).
 */
export interface ScaleRun { minutes?: ScaleMinute[]; /** Nodes Ready when the window ended (kwok keeps them Ready, or they flapped). */ nodesReadyAtEnd?: number; passes?: number; targetReadsPerHpa?: number; convergeS: number; rssMiB: number; rssMaxMiB: number; rssAnonMiB: number; hwmMiB: number; heapUsedMiB: number; cpuPct: number }
/** One whole minute of the idle window: its largest 1 s RSS sample and its CPU. */
export interface ScaleMinute { rssMaxMiB: number; cpuPct: number }
export interface ScaleResult { nodes: number; pods: number; setup: Setup; runs: ScaleRun[] }

export async function runScale(cfg: BenchConfig, nodes: number): Promise<ScaleResult> {
  const env = await startBenchEnv({ audit: true, preset: 'none', name: `bench-scale-${nodes}`, kwokExtraArgs: [...SCALE_CLUSTER.kwokExtraArgs], controllerManagerExtraArgs: [...SCALE_CLUSTER.controllerManagerExtraArgs] });
  const bulk = await Bulk.connect(env.cluster, cfg.createConcurrency);
  try {
    const setup = await populate(env.cluster, bulk, nodes, cfg.podsPerNode, cfg.createConcurrency, cfg.setupTimeoutMs, cfg.hpas);
    const stacks = stackApi(env.cluster.kubeConfig);
    await stacks.create('default', { ...metricsServerSpec(), metricsServer: { replicas: 2, metricResolution: '15s', kubeletTLS: 'Insecure' } });
    const runs: ScaleRun[] = [];
    for (let rep = 0; rep < cfg.repeats; rep++) {
      const t0 = performance.now();
      const from = Date.now();
      const op = await env.startOperator();
      try {
        await until('the stack reconciled', async () => {
          const s: MetricsStack = await stacks.get('default');
          return s.status?.observedGeneration === s.metadata?.generation && (await op.metric('metricsstack_reconcile_total')) >= 1;
        }, 300_000);
        const convergeS = (performance.now() - t0) / 1000;
        const a = sample(op.pid);
        const rss: number[] = [];
        const anon: number[] = [];
        const minutes: ScaleMinute[] = [];
        let minuteStart = a;
        let minuteRss: number[] = [];
        while (performance.now() - a.at < cfg.idleMs) {
          await sleep(1_000);
          const s = sample(op.pid);
          rss.push(s.rssMiB);
          anon.push(s.rssAnonMiB);
          minuteRss.push(s.rssMiB);
          if (s.at - minuteStart.at >= 60_000) {
            minutes.push({ rssMaxMiB: Math.max(...minuteRss), cpuPct: cpuPercent(minuteStart, s) });
            progress(`scale ${nodes} nodes, run ${rep + 1}, minute ${minutes.length}: RSS max ${minutes.at(-1)!.rssMaxMiB.toFixed(1)} MiB, CPU ${minutes.at(-1)!.cpuPct.toFixed(2)} %`);
            minuteStart = s;
            minuteRss = [];
          }
        }
        const b = sample(op.pid);
        const nodesReadyAtEnd = await readyNodes(bulk);
        const heapUsedMiB = (await op.metric('nodejs_heap_size_used_bytes')) / 2 ** 20;
        const passes = await op.metric('metricsstack_reconcile_total');
        const reads = targetReads(readAudit(env.auditLog ?? '').filter((e) => e.received >= from));
        const targetReadsPerHpa = setup.hpas > 0 ? reads / setup.hpas : 0;
        const run = { minutes, nodesReadyAtEnd, passes, targetReadsPerHpa, convergeS, rssMiB: median(rss), rssMaxMiB: Math.max(...rss), rssAnonMiB: median(anon), hwmMiB: b.hwmMiB, heapUsedMiB, cpuPct: cpuPercent(a, b) };
        runs.push(run);
        progress(`scale ${nodes} nodes, run ${rep + 1}: converged in ${convergeS.toFixed(1)} s, RSS ${run.rssMiB.toFixed(1)} MiB ` +
          `(peak ${run.hwmMiB.toFixed(1)}), JS heap ${heapUsedMiB.toFixed(1)} MiB, idle CPU ${run.cpuPct.toFixed(2)} %; ` +
          `${setup.hpas} HPAs: ${reads} target reads in ${passes} passes (${targetReadsPerHpa.toFixed(2)} per HPA); ${nodesReadyAtEnd} of ${nodes} nodes Ready at the end`);
      } finally {
        await op.stop();
      }
    }
    return { nodes, pods: setup.pods, setup, runs };
  } finally {
    bulk.close();
    await env.stop();
  }
}
