/**
 * Two (or more) builds of the operator side by side on one populated kwok cluster, over one window: RSS and CPU per
 * minute, so a window of 12 minutes includes kwok's node-status heartbeat wave (every node updates its status
 * 600–610 s after the last time, hack/testenv/kwok/stages.yaml; nodes created together heartbeat together). Each build
 * runs as its own process with its own Lease (so both lead), at the same time, on the same cluster: they see the same
 * heartbeats. Not part of `make bench`; used to measure a change to what the operator watches.
 *
 *   BENCH_AB_BUNDLES=before=/tmp/before/main.js,after=   (empty path: this tree's bundle)
 *   BENCH_NODES=0,1000,5000  BENCH_AB_WINDOW_S=720  BENCH_PODS_PER_NODE=0  BENCH_AB_HPAS=0 (HPAs as the scale section's)
 *   BENCH_AB_OPERATOR_ARGS='--log-level debug'  BENCH_AB_LOG_DIR=/tmp/ab-logs (each build's log, written after the window)
 *
 * Run as `make bench` runs bench/run.ts (offline, with the test environment), with this file instead.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { MetricsStack } from '../src/api/v1alpha1/types.js';
import { stackApi, until } from '../test/support/stacks.js';
import { Bulk } from './bulk.js';
import { benchConfig } from './config.js';
import { startBenchEnv, type RunningOperator } from './env.js';
import { out, progress, sleep } from './log.js';
import { machine, machineLine } from './machine.js';
import { populate, readyNodes, SCALE_CLUSTER, type Setup } from './populate.js';
import { cpuPercent, sample, threadCpuS, threadPercent, type ProcSample } from './procstat.js';
import { metricsServerSpec } from './specs.js';
import { median } from './stats.js';

interface Minute { minute: number; cpuPct: number; rssMiB: number; rssMaxMiB: number }
interface BuildRun { build: string; convergeS: number; reconciles: number; cpuPct: number; threadsPct: Record<string, number>; rssMiB: number; rssMaxMiB: number; hwmMiB: number; heapUsedMiB: number; minutes: Minute[] }
interface SizeRun { nodes: number; setup: Setup; windowS: number; load: [number, number]; nodesReadyAtEnd: number; builds: BuildRun[] }

const cfg = benchConfig();
const windowS = Number(process.env.BENCH_AB_WINDOW_S ?? 720);
const podsPerNode = Number(process.env.BENCH_PODS_PER_NODE ?? 0);
const hpas = Number(process.env.BENCH_AB_HPAS ?? 0);
/** Extra operator arguments for every build (e.g. `--log-level debug`), and where to write each build's log. */
const extraArgs = (process.env.BENCH_AB_OPERATOR_ARGS ?? '').split(/\s+/).filter(Boolean);
const logDir = process.env.BENCH_AB_LOG_DIR;
const builds = (process.env.BENCH_AB_BUNDLES ?? 'this=').split(',').map((b) => {
  const [name, path] = b.split('=') as [string, string | undefined];
  return { name, bundle: path || undefined };
});
const m = machine();
progress(`machine: ${machineLine(m)}`);

async function runSize(nodes: number): Promise<SizeRun> {
  const env = await startBenchEnv({ preset: 'none', name: `bench-ab-${nodes}`, kwokExtraArgs: [...SCALE_CLUSTER.kwokExtraArgs], controllerManagerExtraArgs: [...SCALE_CLUSTER.controllerManagerExtraArgs] });
  const bulk = await Bulk.connect(env.cluster, cfg.createConcurrency);
  try {
    const setup = await populate(env.cluster, bulk, nodes, podsPerNode, cfg.createConcurrency, cfg.setupTimeoutMs, hpas);
    const stacks = stackApi(env.cluster.kubeConfig);
    await stacks.create('default', { ...metricsServerSpec(), metricsServer: { replicas: 2, metricResolution: '15s', kubeletTLS: 'Insecure' } });
    const t0 = performance.now();
    const ops: RunningOperator[] = await Promise.all(builds.map((b) =>
      env.startOperator(['--leader-election-id', `ab-${b.name}`, ...extraArgs], b.bundle ? { bundle: b.bundle } : {})));
    const convergeS = await Promise.all(ops.map(async (op) => {
      await until('the stack reconciled', async () => {
        const s: MetricsStack = await stacks.get('default');
        return s.status?.observedGeneration === s.metadata?.generation && (await op.metric('metricsstack_reconcile_total')) >= 1;
      }, 300_000);
      return (performance.now() - t0) / 1000;
    }));
    const load0 = loadavg()[0] ?? 0;
    progress(`${nodes} nodes: ${builds.map((b, i) => `${b.name} reconciled at ${convergeS[i]!.toFixed(1)} s`).join(', ')}; window ${windowS} s`);
    const first = ops.map((op) => sample(op.pid));
    const threads0 = ops.map((op) => threadCpuS(op.pid));
    const reconciles0 = await Promise.all(ops.map((op) => op.metric('metricsstack_reconcile_total')));
    const samples: ProcSample[][] = ops.map(() => []);
    const start = performance.now();
    while (performance.now() - start < windowS * 1000) {
      await sleep(1_000);
      ops.forEach((op, i) => samples[i]!.push(sample(op.pid)));
    }
    const threads1 = ops.map((op) => threadCpuS(op.pid));
    if (logDir) ops.forEach((op, i) => writeFileSync(join(logDir, `${nodes}-${builds[i]!.name}.log`), op.logs()));
    const runs = await Promise.all(ops.map(async (op, i): Promise<BuildRun> => {
      const s = samples[i]!;
      const minutes: Minute[] = [];
      for (let k = 0; k * 60 < windowS; k++) {
        const inMinute = s.filter((x) => x.at - start >= k * 60_000 && x.at - start < (k + 1) * 60_000);
        const before = k === 0 ? first[i]! : s.filter((x) => x.at - start < k * 60_000).at(-1);
        const last = inMinute.at(-1);
        if (!before || !last) continue;
        minutes.push({ minute: k + 1, cpuPct: cpuPercent(before, last), rssMiB: median(inMinute.map((x) => x.rssMiB)), rssMaxMiB: Math.max(...inMinute.map((x) => x.rssMiB)) });
      }
      const end = s.at(-1)!;
      return {
        build: builds[i]!.name, convergeS: convergeS[i]!, reconciles: (await op.metric('metricsstack_reconcile_total')) - reconciles0[i]!, cpuPct: cpuPercent(first[i]!, end),
        threadsPct: threadPercent(threads0[i]!, threads1[i]!, (end.at - first[i]!.at) / 1000), rssMiB: median(s.map((x) => x.rssMiB)),
        rssMaxMiB: Math.max(...s.map((x) => x.rssMiB)), hwmMiB: end.hwmMiB, heapUsedMiB: (await op.metric('nodejs_heap_size_used_bytes')) / 2 ** 20, minutes,
      };
    }));
    for (const r of runs) {
      progress(`${nodes} nodes, ${r.build}: RSS ${r.rssMiB.toFixed(1)} MiB median (max ${r.rssMaxMiB.toFixed(1)}, peak ${r.hwmMiB.toFixed(1)}), CPU ${r.cpuPct.toFixed(2)} % over ${windowS} s, ${r.reconciles} reconciles; ` +
        `by thread: ${Object.entries(r.threadsPct).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
    }
    const nodesReadyAtEnd = await readyNodes(bulk);
    progress(`${nodes} nodes: ${nodesReadyAtEnd} Ready at the end of the window`);
    return { nodes, setup, windowS, load: [load0, loadavg()[0] ?? 0], nodesReadyAtEnd, builds: runs };
  } finally {
    bulk.close();
    await env.stop();
  }
}

const results: SizeRun[] = [];
for (const nodes of cfg.nodeCounts) results.push(await runSize(nodes));

const f1 = (n: number) => n.toFixed(1);
const lines = [`Machine: ${machineLine(m)}. ${podsPerNode} pods per node, ${hpas} HPAs; builds run side by side, each with its own Lease.`, ''];
for (const r of results) {
  lines.push(`${r.nodes} nodes (${r.nodesReadyAtEnd} Ready at the end), ${r.windowS} s window (load average ${f1(r.load[0])} at start, ${f1(r.load[1])} at end):`, '');
  lines.push('| build | RSS MiB median | RSS max MiB | peak (VmHWM) MiB | JS heap MiB | CPU % of a core | reconciles | per-minute CPU % | per-minute RSS MiB |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |');
  for (const b of r.builds) {
    lines.push(`| ${b.build} | ${f1(b.rssMiB)} | ${f1(b.rssMaxMiB)} | ${f1(b.hwmMiB)} | ${f1(b.heapUsedMiB)} | ${b.cpuPct.toFixed(2)} | ${b.reconciles} | ` +
      `${b.minutes.map((x) => x.cpuPct.toFixed(2)).join(' ')} | ${b.minutes.map((x) => f1(x.rssMiB)).join(' ')} |`);
  }
  lines.push('');
}
const sizes = [...new Set(results.map((r) => r.nodes))].sort((a, b) => a - b);
if (sizes.length >= 2 && sizes.at(-1)! - sizes[0]! >= 1000) {
  for (const b of builds) {
    const at = (n: number) => results.find((r) => r.nodes === n)?.builds.find((x) => x.build === b.name);
    const lo = at(sizes[0]!)!;
    const hi = at(sizes.at(-1)!)!;
    const per = (v: (x: BuildRun) => number) => (((v(hi) - v(lo)) / (sizes.at(-1)! - sizes[0]!)) * 1000).toFixed(2);
    lines.push(`${b.name}: growth per 1,000 nodes (${sizes[0]} → ${sizes.at(-1)}): RSS median ${per((x) => x.rssMiB)} MiB, RSS max ${per((x) => x.rssMaxMiB)} MiB`);
  }
}
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `${new Date().toISOString().replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z')}-nodes-ab.json`);
writeFileSync(file, `${JSON.stringify({ machine: m, podsPerNode, hpas, builds, results }, null, 2)}\n`);
out(lines.join('\n'));
progress(`wrote ${file}`);
process.exit(0);
