/**
 * `make bench`: the budgets of DESIGN.md ("Budgets") measured on the local control plane, the same way every time.
 * Writes bench/results/<date>.json and prints a Markdown table (progress goes to stderr). Not part of `make test`.
 * Env: BENCH_QUICK=1 (smoke run), BENCH_REPEATS, BENCH_CHANGES, BENCH_NODES=0,1000,5000, BENCH_PODS_PER_NODE,
 * BENCH_IDLE_S, BENCH_STEADY_S, BENCH_STEADY_RESYNC, BENCH_SETUP_TIMEOUT_S, BENCH_CREATE_CONCURRENCY,
 * BENCH_PEER_TIMEOUT_S, BENCH_SECTIONS=latency,steady,scale,metrics-api,peer; see bench/config.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { benchConfig } from './config.js';
import { startBenchEnv } from './env.js';
import { runLatency } from './latency.js';
import { out, progress } from './log.js';
import { machine, machineLine } from './machine.js';
import { runMetricsApi } from './metrics-api.js';
import { runPeer } from './peer.js';
import { report } from './report.js';
import type { BenchResults } from './results.js';
import { runScale } from './scale.js';
import { eksSpec, metricsServerSpec, noneSpec } from './specs.js';
import { AWS_TTLS_MIN, runSteady } from './steady.js';

const cfg = benchConfig();
const results: BenchResults = {
  startedAt: new Date().toISOString(), quick: cfg.quick, machine: machine(),
  config: { ...cfg, sections: [...cfg.sections] },
  latency: [], steady: [], metricsApi: [], scale: [], peer: [], errors: [],
};
progress(`machine: ${machineLine(results.machine)}`);

/** A failed scenario is recorded and the others still run: one broken section must not hide the rest. */
async function attempt(section: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    results.errors.push({ section, message });
    progress(`${section} FAILED: ${message}`);
  }
}

const seconds = (d: string): number => {
  const m = /^(\d+)(s|m)$/.exec(d);
  if (!m) throw new Error(`BENCH_STEADY_RESYNC=${d}: expected e.g. 10s or 1m`);
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
};

for (let rep = 1; rep <= cfg.repeats; rep++) {
  if (cfg.sections.has('latency')) {
    await attempt(`latency (repetition ${rep})`, async () => {
      progress(`== latency, repetition ${rep}/${cfg.repeats}`);
      const env = await startBenchEnv({ preset: 'eks-mixed', name: 'bench-latency', audit: true });
      try {
        // kubeletTLS Insecure: without network mode the node IPs are not routable, so nothing dials kubelets.
        const ms = { ...metricsServerSpec(), metricsServer: { replicas: 2, metricResolution: '15s', kubeletTLS: 'Insecure' } };
        results.latency.push(await runLatency(env, cfg.changes, [{ provider: 'none', spec: noneSpec() }, { provider: 'metrics-server', spec: ms }]));
      } finally {
        await env.stop();
      }
    });
  }
  if (cfg.sections.has('metrics-api') || cfg.sections.has('steady')) {
    await attempt(`metrics-api/steady (repetition ${rep})`, async () => {
      progress(`== time to a working metrics API, then steady state, repetition ${rep}/${cfg.repeats}`);
      const env = await startBenchEnv({ preset: 'eks-mixed', name: 'bench-e2e', network: true, audit: true });
      try {
        const resyncS = seconds(cfg.steadyResync);
        const op = await env.startOperator(['--resync-period', cfg.steadyResync]);
        const spec = eksSpec(env.seed);
        const run = await runMetricsApi(env, spec);
        if (cfg.sections.has('metrics-api')) results.metricsApi.push(run.result);
        if (cfg.sections.has('steady')) results.steady.push(await runSteady(env, op, cfg.steadyMs, resyncS * 1000));
      } finally {
        await env.stop();
      }
    });
  }
  if (cfg.sections.has('peer')) {
    await attempt(`peer (repetition ${rep})`, async () => {
      progress(`== side by side with the upstream installers, repetition ${rep}/${cfg.repeats}`);
      results.peer!.push(await runPeer(cfg.peerTimeoutMs, rep));
    });
  }
}
if (cfg.sections.has('scale')) {
  for (const nodes of cfg.nodeCounts) {
    await attempt(`scale (${nodes} nodes)`, async () => {
      progress(`== memory and CPU at ${nodes} nodes × ${cfg.podsPerNode} pods`);
      results.scale.push(await runScale(cfg, nodes));
    });
  }
}

results.finishedAt = new Date().toISOString();
results.machine.loadEnd = loadavg()[0] ?? 0;
results.awsTtlsMin = AWS_TTLS_MIN;
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `${results.startedAt.replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z')}${cfg.quick ? '-quick' : ''}.json`);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
out(report(results));
progress(`wrote ${file}`);
process.exit(results.errors.length > 0 ? 1 : 0);
