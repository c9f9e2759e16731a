/** Folds verdicts into the MetricsStack's workloadAutoscaling status: counts by root cause, the first HPAs of each named. */
import type { HpaCause, HpaVerdict } from './causes.js';
import { rootCause } from './causes.js';

/** HPAs named per cause in status; the rest are counted only (status must stay small at 1,000 HPAs). */
export const NAMED_PER_CAUSE = 5;

export interface CauseSummary {
  readonly cause: HpaCause;
  readonly count: number;
  /** `namespace/name`, sorted, at most {@link NAMED_PER_CAUSE}. */
  readonly hpas: string[];
  /** The first HPA's message and fix, as an example. */
  readonly example: string;
}

export interface WorkloadAutoscalingSummary {
  readonly hpas: number;
  readonly healthy: number;
  readonly causes: CauseSummary[];
}

export function summarizeVerdicts(verdicts: readonly HpaVerdict[]): WorkloadAutoscalingSummary {
  const by = new Map<HpaCause, HpaVerdict[]>();
  for (const v of verdicts) {
    const root = rootCause(v);
    if (root) by.set(root.cause, [...(by.get(root.cause) ?? []), v]);
  }
  const causes = [...by.entries()].map(([cause, vs]): CauseSummary => {
    const sorted = vs.map((v) => ({ key: `${v.namespace}/${v.name}`, v })).sort((a, b) => a.key.localeCompare(b.key));
    const first = rootCause(sorted[0]!.v)!;
    return { cause, count: vs.length, hpas: sorted.slice(0, NAMED_PER_CAUSE).map((s) => s.key), example: `${first.message}. Fix: ${first.fix}` };
  }).sort((a, b) => b.count - a.count || a.cause.localeCompare(b.cause));
  return { hpas: verdicts.length, healthy: verdicts.filter((v) => v.findings.length === 0).length, causes };
}
