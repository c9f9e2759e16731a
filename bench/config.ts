/**
 * What `make bench` measures and how long, from the environment. BENCH_QUICK=1 is a smoke run that validates every
 * path in a few minutes (1 repetition, 100 nodes, short windows); every other knob overrides either profile.
 */
export interface BenchConfig {
  quick: boolean;
  /** Repetitions of every scenario (min/median/max are taken over these). */
  repeats: number;
  /** Spec changes per latency series: 100, so the nearest-rank p99 is the 99th of 100, not the largest (as it is of 50). */
  changes: number;
  /** Cluster sizes (kwok nodes) for the memory section; each node gets `podsPerNode` pods. */
  nodeCounts: number[];
  podsPerNode: number;
  /** HPAs (each on its own Deployment) in every scale cluster: the HPA doctor's objects and reads. */
  hpas: number;
  /** Concurrent creates when populating a cluster. */
  createConcurrency: number;
  /** Upper bound on populating one scale cluster (nodes Ready, pods Running); the run goes on, marked incomplete. */
  setupTimeoutMs: number;
  /** Idle window before RSS/CPU are read, after the operator converged. */
  idleMs: number;
  /** Steady-state window and the operator's --resync-period in it. */
  steadyMs: number;
  steadyResync: string;
  /** Section 5: how long each installer gets to make `kubectl top nodes` and the HPA answer before it counts as never. */
  peerTimeoutMs: number;
  sections: Set<Section>;
}

export const SECTIONS = ['latency', 'steady', 'scale', 'metrics-api', 'peer'] as const;
export type Section = (typeof SECTIONS)[number];

const int = (name: string, fallback: number): number => {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name}=${v}: expected a non-negative integer`);
  return n;
};

export function benchConfig(env = process.env): BenchConfig {
  const quick = env.BENCH_QUICK === '1';
  const sizes = env.BENCH_NODES ?? (quick ? '0,100' : '0,1000,5000');
  const nodeCounts = sizes.split(',').map((s) => Number(s.trim()));
  if (nodeCounts.some((n) => !Number.isInteger(n) || n < 0)) throw new Error(`BENCH_NODES=${sizes}: expected e.g. 0,1000,5000`);
  const wanted = (env.BENCH_SECTIONS ?? SECTIONS.join(',')).split(',').map((s) => s.trim());
  const unknown = wanted.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`BENCH_SECTIONS: unknown ${unknown.join(', ')} (known: ${SECTIONS.join(', ')})`);
  return {
    quick,
    repeats: Math.max(1, int('BENCH_REPEATS', quick ? 1 : 3)),
    changes: Math.max(2, int('BENCH_CHANGES', quick ? 20 : 100)),
    nodeCounts,
    podsPerNode: int('BENCH_PODS_PER_NODE', 10),
    hpas: int('BENCH_HPAS', quick ? 50 : 1000),
    createConcurrency: Math.max(1, int('BENCH_CREATE_CONCURRENCY', 32)),
    setupTimeoutMs: int('BENCH_SETUP_TIMEOUT_S', 1800) * 1000,
    idleMs: int('BENCH_IDLE_S', quick ? 20 : 60) * 1000,
    steadyMs: int('BENCH_STEADY_S', quick ? 40 : 120) * 1000,
    steadyResync: env.BENCH_STEADY_RESYNC ?? '10s',
    peerTimeoutMs: int('BENCH_PEER_TIMEOUT_S', quick ? 60 : 150) * 1000,
    sections: new Set(wanted as Section[]),
  };
}
