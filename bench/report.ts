import { IMAGE_ENV, IMAGE_NODE_FLAGS } from '../test/support/operator.js';
import { formatGrowth, growthPerThousandNodes } from './growth.js';
import { machineLine } from './machine.js';
import { peerSection } from './peer-report.js';
import type { BenchResults } from './results.js';
import { across, fmt, median, type Spread } from './stats.js';

/** The Markdown table `make bench` prints: median (min–max) over the repetitions, the budget beside each figure. */
export function report(r: BenchResults): string {
  const reps = r.config.repeats;
  const lines = [
    `## Benchmark ${r.startedAt.slice(0, 10)}${r.quick ? ' (quick run: BENCH_QUICK=1, not the full sizes)' : ''}`,
    '',
    `Machine: ${machineLine(r.machine)}.`,
    `Figures: median (min–max) over ${reps} repetition${reps === 1 ? '' : 's'}. Raw data: \`bench/results/\`.`,
    ...latencySection(r), ...steadySection(r), ...scaleSection(r), ...metricsApiSection(r), ...peerSection(r.peer),
  ];
  if (r.errors.length > 0) lines.push('', '### Errors', '', ...r.errors.map((e) => `- ${e.section}: ${e.message.split('\n')[0]}`));
  return lines.join('\n');
}

const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const f = (s: Spread, d = 1, u = '') => fmt(s, d, u);

function latencySection(r: BenchResults): string[] {
  if (r.latency.length === 0) return [];
  const rtt = (pick: (x: BenchResults['latency'][number]) => number) => f(across(r.latency, pick), 2);
  const providers = r.latency[0]!.series.map((s) => s.provider);
  return [
    '', `### 1. Reconcile latency (${r.config.changes} spec changes per series, write → status.observedGeneration seen by a watch)`, '',
    `One request's RTT to this apiserver: GET ${rtt((x) => x.rtt.getMs)} ms, write ${rtt((x) => x.rtt.writeMs)} ms. ` +
    '"Operator-added" is PATCH response → the operator\'s status write completed (audit log). The budget: its p99 ≤ 2 × ' +
    'the sum of the operator\'s own round trips for the change, measured two ways: what its requests really took on the ' +
    'apiserver (audit log: received → completed, summed per change; a status apply on a custom resource takes longer than ' +
    'the RTT probe\'s ConfigMap write), and reads × GET RTT + writes × write RTT from the probe.', '',
    row(['provider', 'p50 ms', 'p95 ms', 'p99 ms', 'operator-added p50 / p99 ms', 'requests/change (writes)',
      'own requests, apiserver time ms', 'operator-added p50 / p99 ÷ that (budget ≤ 2)', 'own requests at probe RTT ms', 'operator-added p99 ÷ that (budget ≤ 2)',
      'per change: operator-added ÷ its own requests\' apiserver time, p50 / p99 (budget ≤ 2)']),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    ...providers.map((p) => {
      const pick = (fn: (s: BenchResults['latency'][number]['series'][number]) => number) =>
        across(r.latency, (x) => { const s = x.series.find((y) => y.provider === p); return s ? fn(s) : undefined; });
      return row([p, f(pick((s) => s.p50)), f(pick((s) => s.p95)), f(pick((s) => s.p99)),
        `${f(pick((s) => s.phases.operatorAddedMs))} / ${f(pick((s) => s.phases.operatorAddedP99))}`,
        `${f(pick((s) => s.requests), 0)} (${f(pick((s) => s.writes), 0)})`, f(pick((s) => s.serverMs)),
        `${f(pick((s) => s.phases.operatorAddedMs / s.serverMs))} / ${f(pick((s) => s.phases.operatorAddedP99 / s.serverMs))}`,
        f(pick((s) => s.ownRoundTripsMs)), f(pick((s) => s.ownRatio)),
        `${f(pick((s) => s.perChangeRatio?.p50 ?? NaN))} / ${f(pick((s) => s.perChangeRatio?.p99 ?? NaN))}`]);
    }),
    '', `Where the time goes (median ms, ${providers.join(' / ')}): ` + ['patchMs', 'toFirstRequestMs', 'requestsSpanMs', 'notifyMs'].map((k) =>
      `${k.replace(/Ms$/, '')} ${providers.map((p) => f(across(r.latency, (x) => x.series.find((s) => s.provider === p)?.phases[k as 'patchMs']))).join(' / ')}`).join('; ') +
      '. patch: the harness\'s own PATCH; toFirstRequest: PATCH response → the operator\'s first request (watch delivery, queue, ' +
      'computation); requestsSpan: → its status write completed; notify: → the harness\'s watch event (can be ≤ 0: the audit ' +
      'stamps completion after the watch dispatch). The same phases at p99: ' + ['toFirstRequestMs', 'requestsSpanMs', 'serverMs'].map((k) =>
      `${k.replace(/Ms$/, '')} ${providers.map((p) => f(across(r.latency, (x) => x.series.find((s) => s.provider === p)?.phasesP99?.[k as 'serverMs']))).join(' / ')}`).join('; ') +
      ` (server: the apiserver time of one change's requests; with ${r.config.changes} changes the p99 is the ${ordinal(Math.ceil(0.99 * r.config.changes))} of ${r.config.changes}).`,
  ];
}

const ordinal = (n: number) => `${n}${n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th'}`;

function steadySection(r: BenchResults): string[] {
  if (r.steady.length === 0) return [];
  const s0 = r.steady[0]!;
  const pick = (fn: (s: BenchResults['steady'][number]) => number) => f(across(r.steady, fn), 0);
  const kinds = (m: (s: BenchResults['steady'][number]) => Record<string, number>) => {
    const keys = [...new Set(r.steady.flatMap((s) => Object.keys(m(s))))];
    return keys.length > 0 ? ` (${keys.join(', ')})` : '';
  };
  return [
    '', `### 2. Steady state (EKS-shaped stack, Ready; ${s0.windowS} s window, --resync-period ${s0.resyncS}s)`, '',
    `The window ends ${f(across(r.steady, (s) => s.windowEndAfterFirstAwsCallMin), 1)} min after the operator's first AWS call, inside the ` +
    `${s0.driftTtlMin} min drift-check TTL of src/cloud/aws/ttl.ts. Budget: 0 API writes and 0 AWS calls.`, '',
    row(['reconciles', 'API writes (budget 0)', 'API reads', 'lease renewals (leader election)', 'AWS calls, SDK (budget 0)', 'AWS calls, wire', 'Ready']),
    row(['---:', '---:', '---:', '---:', '---:', '---:', '---']),
    row([pick((s) => s.reconciles), pick((s) => s.apiWrites) + kinds((s) => s.apiWritesByVerb), pick((s) => s.apiReads) + kinds((s) => s.apiReadsByVerb),
      pick((s) => s.leaseWrites), pick((s) => s.awsCallsSdk), pick((s) => s.awsCallsWire) + kinds((s) => s.awsWireByCall),
      r.steady.map((s) => (s.ready ? 'True' : `False (${s.readyReason})`)).join(', ')]),
  ];
}

function scaleSection(r: BenchResults): string[] {
  if (r.scale.length === 0) return [];
  const med = (x: BenchResults['scale'][number], fn: (run: BenchResults['scale'][number]['runs'][number]) => number) => median(x.runs.map(fn));
  const growthOf = (fn: (run: BenchResults['scale'][number]['runs'][number]) => number) =>
    growthPerThousandNodes(r.scale.map((x) => ({ nodes: x.nodes, value: med(x, fn) })));
  const growth = growthOf((x) => x.rssMiB);
  const idleS = r.config.idleMs / 1000;
  return [
    '', `### 3. Memory and CPU at scale (production bundle, ${r.config.podsPerNode} pods per node, ${idleS} s idle after convergence)`, '',
    `Budget at 5,000 nodes / 50,000 pods / 1,000 HPAs: RSS ≤ 100 MB (95.4 MiB) in every repetition (goal 80 MiB), idle CPU < 0.5 % of a core over the window (goal 0.2 %), at most one scale-target read per HPA per resync. ` +
    `HPAs here: ${r.config.hpas ?? 0}, each on its own Deployment.`, '',
    row(['nodes', 'pods', 'setup s (nodes Ready / pods Running)', 'RSS MiB', 'largest 1 s RSS in the window MiB', 'of which anonymous MiB', 'peak RSS MiB', 'JS heap used MiB', 'idle CPU % of a core', 'start → reconciled s', 'scale-target reads per HPA (passes)']),
    row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    ...r.scale.map((x) => {
      const s = (fn: (run: BenchResults['scale'][number]['runs'][number]) => number, d = 1) => f(across(x.runs, fn), d);
      return row([x.nodes, x.pods, `${x.setup.nodesReadyS.toFixed(0)} / ${x.setup.podsRunningS.toFixed(0)}${x.setup.complete ? '' : ' (incomplete)'}`,
        s((y) => y.rssMiB), s((y) => y.rssMaxMiB ?? NaN), s((y) => y.rssAnonMiB ?? NaN), s((y) => y.hwmMiB), s((y) => y.heapUsedMiB), s((y) => y.cpuPct, 2), s((y) => y.convergeS),
        x.runs.some((y) => y.targetReadsPerHpa !== undefined) ? `${s((y) => y.targetReadsPerHpa ?? NaN, 2)} (${s((y) => y.passes ?? NaN, 0)})` : '–']);
    }),
    '', `RSS growth per 1,000 nodes (median RSS, ${growth.from} → ${growth.to} nodes): ${formatGrowth(growth)}; ` +
    `JS heap: ${formatGrowth(growthOf((x) => x.heapUsedMiB))}. RSS is the median of 1 s samples over the idle window; ` +
    `the process runs as the Dockerfile runs it (\`node ${IMAGE_NODE_FLAGS.join(' ')} main.js\`, ${Object.entries(IMAGE_ENV).map(([k, v]) => `${k}=${v}`).join(', ')}, NODE_ENV=production). ` +
    '"Anonymous" is the private part of RSS; the rest is file pages, mostly the node binary\'s own code.',
    ...perMinute(r),
  ];
}

/** Every repetition's per-minute figures (largest RSS sample, CPU), and whether each stayed within the hard budget. */
function perMinute(r: BenchResults): string[] {
  const lines: string[] = [];
  for (const x of r.scale) {
    x.runs.forEach((run, i) => {
      if (!run.minutes || run.minutes.length === 0) return;
      const worst = Math.max(...run.minutes.map((m) => m.rssMaxMiB));
      lines.push(`- ${x.nodes} nodes, repetition ${i + 1}: largest RSS ${worst.toFixed(1)} MiB (${worst <= RSS_BUDGET_MIB ? 'within' : 'over'} ${RSS_BUDGET_MIB} MiB), ` +
        `CPU ${run.cpuPct.toFixed(2)} % over the window; per minute (RSS max MiB / CPU %): ` +
        run.minutes.map((m) => `${m.rssMaxMiB.toFixed(1)}/${m.cpuPct.toFixed(2)}`).join(', '));
    });
  }
  return lines.length === 0 ? [] : ['', 'Per repetition, per minute of the idle window:', '', ...lines];
}

/** 100 MB, the design's hard memory budget at 5,000 nodes. */
const RSS_BUDGET_MIB = 95.4;

function metricsApiSection(r: BenchResults): string[] {
  if (r.metricsApi.length === 0) return [];
  const pick = (fn: (m: BenchResults['metricsApi'][number]) => number) => f(across(r.metricsApi, fn));
  return [
    '', '### 4. Time to a working metrics API (create → `kubectl top nodes` answering; real metrics-server as the pods)', '',
    row(['metric resolution', 'metrics-server pods Running', 'binaries started', '`kubectl top nodes` answers', 'MetricsStack Ready']),
    row(['---:', '---:', '---:', '---:', '---:']),
    row([`${r.metricsApi[0]!.resolutionS} s`, `${pick((m) => m.firstPodRunningS)} s`, `${pick((m) => m.podsStartedS)} s`, `${pick((m) => m.topNodesS)} s`, `${pick((m) => m.readyS)} s`]),
  ];
}
