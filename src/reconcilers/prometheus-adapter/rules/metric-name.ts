/**
 * The metric name a prometheus-adapter rule gives its series, decided from the rule alone where the rule pins the
 * series name (`http_requests_total{...}` or `{__name__="http_requests_total",...}`), as the adapter's metric namer
 * does: `name.matches` (default `.*`) found in the series name, then `name.as` expanded (default `$0`, or `$1` with one
 * capture group). Where the series name is a pattern, the name depends on what Prometheus holds: undefined.
 */
import type { PrometheusAdapterRule } from '../../../api/v1alpha1/types.js';
import { captureGroups, goRegexpExpand } from './go-regexp.js';
import { parseSeriesSelector } from './promql-selector.js';

export type RuleMetricName =
  | { readonly name: string; readonly series: string }
  /** The series name is pinned but name.matches does not match it: the adapter drops the series. */
  | { readonly dropped: string; readonly series: string }
  | undefined;

export function ruleMetricName(rule: Pick<PrometheusAdapterRule, 'seriesQuery' | 'name'>): RuleMetricName {
  const selector = parseSeriesSelector(rule.seriesQuery);
  if ('error' in selector) return undefined;
  const series = selector.metric ?? selector.matchers.find((m) => m.name === '__name__' && m.op === '=')?.value;
  if (series === undefined) return undefined;
  const matches = rule.name?.matches || '.*';
  const groups = captureGroups(matches);
  const as = rule.name?.as || (groups === 0 ? '$0' : groups === 1 ? '$1' : undefined);
  if (as === undefined) return undefined;
  const name = goRegexpExpand(matches, as, series);
  return name === undefined ? { dropped: matches, series } : { name, series };
}
