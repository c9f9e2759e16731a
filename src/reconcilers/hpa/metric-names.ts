/**
 * Pods and Object metrics no adapter rule produces, with the closest name. Two sources: what custom.metrics.k8s.io
 * lists (the rules applied to Prometheus's series) and what the MetricsStack's own rules name. Listed: fine. Named by
 * a rule but not listed: the rule is right and Prometheus has no such series. Neither: a typo or a missing rule.
 */
import { HpaCause, type Finding } from './causes.js';
import type { HpaFacts, SpecRuleNames } from './facts.js';
import { customMetricNames } from './hpa-view.js';

const RULES = 'spec.prometheusAdapter.rules';

export function metricNameFindings(f: HpaFacts): Finding[] {
  const listed = f.customMetricNames;
  const rules = f.specRules;
  if (listed === undefined && rules === undefined) return [];
  return customMetricNames(f.hpa).flatMap((name): Finding[] => {
    if (listed?.includes(name)) return [];
    const query = rules?.named.get(name);
    if (query !== undefined) return listed === undefined ? [] : [noSeries(name, query)];
    // The adapter is not answering and a patterned rule may yet name it: nothing can be said.
    if (listed === undefined && (rules?.patterned ?? 0) > 0) return [];
    return [unknown(name, listed, rules)];
  });
}

function noSeries(name: string, query: string): Finding {
  return {
    cause: HpaCause.UnknownCustomMetric,
    message: `metric ${name} is named by a rule in ${RULES} (seriesQuery ${query}) but custom.metrics.k8s.io does not list it: ` +
      'Prometheus holds no series for that query with the labels the rule maps to resources (namespace, pod)',
    fix: `query Prometheus for ${query}: make the workload export the series (and Prometheus scrape it) with namespace and pod labels, ` +
      'or correct the rule\'s seriesQuery and resources; the adapter relists every metricsRelistInterval',
  };
}

function unknown(name: string, listed: readonly string[] | undefined, rules: SpecRuleNames | undefined): Finding {
  const candidates = [...new Set([...(listed ?? []), ...(rules?.named.keys() ?? [])])];
  const near = closest(name, candidates);
  const source = listed !== undefined ? 'is not listed by custom.metrics.k8s.io' : `is named by no rule in ${RULES}`;
  return {
    cause: HpaCause.UnknownCustomMetric,
    message: `metric ${name} ${source}: no prometheus-adapter rule produces it` +
      (near ? ` (closest ${listed?.includes(near) ? 'listed' : 'rule name'}: ${near})` : ` (${candidates.length} metrics known)`),
    fix: near ? `rename the metric in the HPA to ${near}, or add a rule to the MetricsStack ${RULES} whose name.as yields ${name}`
      : `add a rule to the MetricsStack ${RULES} whose seriesQuery finds the series and whose name.as yields ${name}`,
  };
}

/** The listed name nearest by edit distance, if it is near enough to be a likely typo or a renamed series. */
export function closest(name: string, names: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const n of names) {
    const d = editDistance(name, n);
    if (!best || d < best.d) best = { name: n, d };
  }
  return best && best.d <= Math.max(3, Math.floor(name.length / 3)) ? best.name : undefined;
}

export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length] ?? 0;
}
