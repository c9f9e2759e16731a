/**
 * Checks the spec's adapter rules the way the adapter and Prometheus will read them, so that a typo is reported
 * on the MetricsStack with its rule index, instead of as a crash-looping adapter ("unable to construct naming scheme
 * from metrics rules") or as HPAs that never get a value. Pure: a list of problems, each naming its field.
 */
import type { DefaultedMetricsStackSpec } from '../../../api/v1alpha1/defaults.js';
import { captureGroups, goRegexpError } from './go-regexp.js';
import { goTemplateError, QUERY_TEMPLATE_FIELDS, RESOURCE_TEMPLATE_FIELDS } from './go-template.js';
import { bracketError, parseSeriesSelector } from './promql-selector.js';

type AdapterSpec = NonNullable<DefaultedMetricsStackSpec['prometheusAdapter']>;
type Rule = AdapterSpec['rules'][number];
type Mapping = Rule['resources'];

const FIELD = 'spec.prometheusAdapter';

/** A query template: Go template syntax first, then the PromQL it expands to (actions stand in as a name). */
function queryError(template: string): string | undefined {
  const err = goTemplateError(template, QUERY_TEMPLATE_FIELDS);
  if (err) return err;
  const promql = bracketError(template.replace(/<<[\s\S]*?>>/g, 'x'));
  return promql && `${promql} (in the query with each <<action>> replaced by x)`;
}

function mappingProblems(path: string, m: Mapping): string[] {
  if (m?.template === undefined) return [];
  const err = goTemplateError(m.template, RESOURCE_TEMPLATE_FIELDS);
  return err ? [`${path}.resources.template: ${err}`] : [];
}

function ruleProblems(path: string, rule: Rule, custom: boolean): string[] {
  const problems: string[] = [];
  const selector = parseSeriesSelector(rule.seriesQuery);
  if ('error' in selector) problems.push(`${path}.seriesQuery ${JSON.stringify(rule.seriesQuery)}: ${selector.error}`);
  const matches = rule.name?.matches;
  if (matches !== undefined && matches !== '') {
    const err = goRegexpError(matches);
    if (err) problems.push(`${path}.name.matches: ${err}`);
    // NameMapping: without `as`, the adapter names the metric after $0 or $1 and refuses a regexp with more groups.
    else if (!rule.name?.as && captureGroups(matches) > 1) {
      problems.push(`${path}.name: matches has ${captureGroups(matches)} capture groups, ` +
        'so the adapter needs name.as (e.g. "${1}_${2}") to know the metric\'s name');
    }
  }
  const query = queryError(rule.metricsQuery);
  if (query) problems.push(`${path}.metricsQuery: ${query}`);
  problems.push(...mappingProblems(path, rule.resources));
  if (custom && !rule.resources?.template && Object.keys(rule.resources?.overrides ?? {}).length === 0) {
    problems.push(`${path}.resources: neither overrides nor template is set, so no series can be attached to a Kubernetes object; ` +
      "map the series' labels, e.g. {overrides: {namespace: {resource: namespace}, pod: {resource: pod}}}");
  }
  return problems;
}

/** Every problem in the adapter rules, as `<field>: <error>`; empty when the adapter will accept them. */
export function validateAdapterRules(spec: AdapterSpec, serveResourceMetrics: boolean): string[] {
  const problems = [
    ...spec.rules.flatMap((r, i) => ruleProblems(`${FIELD}.rules[${i}]`, r, true)),
    ...spec.externalRules.flatMap((r, i) => ruleProblems(`${FIELD}.externalRules[${i}]`, r, false)),
  ];
  const rr = serveResourceMetrics ? spec.resourceRules : undefined;
  for (const [resource, rule] of rr ? ([['cpu', rr.cpu], ['memory', rr.memory]] as const) : []) {
    const path = `${FIELD}.resourceRules.${resource}`;
    for (const q of ['containerQuery', 'nodeQuery'] as const) {
      const err = queryError(rule[q]);
      if (err) problems.push(`${path}.${q}: ${err}`);
    }
    problems.push(...mappingProblems(path, rule.resources));
  }
  return problems;
}
