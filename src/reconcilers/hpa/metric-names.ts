/** Pods and Object metrics no adapter rule produces, with the closest name the adapter does list. */
import { HpaCause, type Finding } from './causes.js';
import type { HpaFacts } from './facts.js';
import { customMetricNames } from './hpa-view.js';

export function metricNameFindings(f: HpaFacts): Finding[] {
  const known = f.customMetricNames;
  if (known === undefined) return [];
  return customMetricNames(f.hpa).filter((n) => !known.includes(n)).map((name) => {
    const near = closest(name, known);
    return {
      cause: HpaCause.UnknownCustomMetric,
      message: `metric ${name} is not listed by custom.metrics.k8s.io: no prometheus-adapter rule produces it` +
        (near ? ` (closest listed: ${near})` : ` (${known.length} metrics listed)`),
      fix: near ? `rename the metric in the HPA to ${near}, or add a rule to the MetricsStack spec.prometheusAdapter.rules whose name.as yields ${name}`
        : `add a rule to the MetricsStack spec.prometheusAdapter.rules whose seriesQuery finds the series and whose name.as yields ${name}`,
    };
  });
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
