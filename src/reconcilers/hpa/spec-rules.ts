/** The metric names a MetricsStack's adapter rules give, for the doctor to tell "no rule" from "no series". */
import type { PrometheusAdapterRule } from '../../api/v1alpha1/types.js';
import { ruleMetricName } from '../prometheus-adapter/rules/metric-name.js';
import type { SpecRuleNames } from './facts.js';

/** undefined when the stack has no custom-metrics rules (it does not serve custom.metrics.k8s.io). */
export function specRuleNames(rules: readonly Pick<PrometheusAdapterRule, 'seriesQuery' | 'name'>[] | undefined): SpecRuleNames | undefined {
  if (!rules || rules.length === 0) return undefined;
  const named = new Map<string, string>();
  let patterned = 0;
  for (const rule of rules) {
    const r = ruleMetricName(rule);
    if (r === undefined) patterned++;
    else if ('name' in r && !named.has(r.name)) named.set(r.name, rule.seriesQuery);
  }
  return { named, patterned };
}
