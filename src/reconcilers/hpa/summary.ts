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

/** localeCompare's order (the default locale), without building a collator for every comparison. */
const collator = new Intl.Collator();

export function summarizeVerdicts(verdicts: readonly HpaVerdict[]): WorkloadAutoscalingSummary {
  // Appended in place: copying each cause's list for every verdict was quadratic (1,000 HPAs of one cause, every pass).
  const by = new Map<HpaCause, HpaVerdict[]>();
  for (const v of verdicts) {
    const root = rootCause(v);
    if (!root) continue;
    const list = by.get(root.cause);
    if (list) list.push(v);
    else by.set(root.cause, [v]);
  }
  const causes = [...by.entries()].map(([cause, vs]): CauseSummary => {
    const sorted = vs.map((v) => ({ key: `${v.namespace}/${v.name}`, v })).sort((a, b) => collator.compare(a.key, b.key));
    const first = rootCause(sorted[0]!.v)!;
    return { cause, count: vs.length, hpas: sorted.slice(0, NAMED_PER_CAUSE).map((s) => s.key), example: `${first.message}. Fix: ${first.fix}` };
  }).sort((a, b) => b.count - a.count || collator.compare(a.cause, b.cause));
  return { hpas: verdicts.length, healthy: verdicts.filter((v) => v.findings.length === 0).length, causes };
}
