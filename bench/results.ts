import type { BenchConfig } from './config.js';
import type { LatencyResult } from './latency.js';
import type { Machine } from './machine.js';
import type { MetricsApiResult } from './metrics-api.js';
import type { PeerRepetition } from './peer.js';
import type { ScaleResult } from './scale.js';
import type { SteadyResult } from './steady.js';

/** Everything one `make bench` run measured: bench/results/<date>.json. Arrays hold one entry per repetition. */
export interface BenchResults {
  startedAt: string; finishedAt?: string; quick: boolean;
  machine: Machine;
  config: Omit<BenchConfig, 'sections'> & { sections: string[] };
  latency: LatencyResult[];
  steady: SteadyResult[];
  metricsApi: MetricsApiResult[];
  /** One entry per cluster size, each with its repetitions. */
  scale: ScaleResult[];
  /** Section 5, one entry per repetition; absent in runs before it existed. */
  peer?: PeerRepetition[];
  awsTtlsMin?: Record<string, number>;
  errors: { section: string; message: string }[];
}
