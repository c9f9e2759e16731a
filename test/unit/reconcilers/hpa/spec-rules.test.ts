import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { HpaCause, type HpaFacts } from '../../../../src/reconcilers/hpa/index.js';
import { metricNameFindings } from '../../../../src/reconcilers/hpa/metric-names.js';
import { specRuleNames } from '../../../../src/reconcilers/hpa/spec-rules.js';
import { ruleMetricName } from '../../../../src/reconcilers/prometheus-adapter/rules/metric-name.js';

const NOW = new Date('2026-12-02T12:00:00Z');
const hpa = (metric: string): V2HorizontalPodAutoscaler => ({
  metadata: { namespace: 'shop', name: 'web' },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 4,
    metrics: [{ type: 'Pods', pods: { metric: { name: metric }, target: { type: 'AverageValue', averageValue: '10' } } }] },
});
// The adapter's own walkthrough rule: http_requests_total → http_requests_per_second.
const perSecond = { seriesQuery: 'http_requests_total{namespace!="",pod!=""}', name: { matches: '^(.*)_total$', as: '${1}_per_second' } };
const facts = (metric: string, f: Partial<HpaFacts>): HpaFacts => ({ hpa: hpa(metric), target: undefined, apiServices: {}, now: NOW, ...f });

describe('ruleMetricName (the adapter metric namer: name.matches found in the series name, name.as expanded)', () => {
  it.each([
    ['no name: the series name itself', { seriesQuery: 'queue_depth{namespace!="",pod!=""}' }, { name: 'queue_depth', series: 'queue_depth' }],
    ['${1} from one capture group', perSecond, { name: 'http_requests_per_second', series: 'http_requests_total' }],
    ['default as with one group: $1', { seriesQuery: 'http_requests_total{pod!=""}', name: { matches: '^(.*)_total$' } }, { name: 'http_requests', series: 'http_requests_total' }],
    ['the series pinned by __name__=', { seriesQuery: '{__name__="jobs_total",pod!=""}', name: { matches: '_total$', as: 'jobs' } }, { name: 'jobs', series: 'jobs_total' }],
    // Go's Expand reads $1_per_second as the group named "1_per_second", which does not exist: the name is "".
    ['$1_x names a group that does not exist, as in Go', { seriesQuery: 'http_requests_total{pod!=""}', name: { matches: '^(.*)_total$', as: '$1_per_second' } }, { name: '', series: 'http_requests_total' }],
    ['a named group (?P<base>…)', { seriesQuery: 'rpc_calls_total{pod!=""}', name: { matches: '^(?P<base>.*)_total$', as: '${base}_rate' } }, { name: 'rpc_calls_rate', series: 'rpc_calls_total' }],
    ['matches that misses the series: dropped', { seriesQuery: 'http_requests_count{pod!=""}', name: { matches: '^(.*)_total$' } }, { dropped: '^(.*)_total$', series: 'http_requests_count' }],
  ])('%s', (_name, rule, want) => {
    expect(ruleMetricName(rule)).toEqual(want);
  });

  it('cannot name a rule whose series is a pattern: it depends on what Prometheus holds', () => {
    expect(ruleMetricName({ seriesQuery: '{__name__=~"^container_.*",namespace!="",pod!=""}' })).toBeUndefined();
  });
});

describe('metricNameFindings against the discovery list and the spec rules', () => {
  const rules = specRuleNames([perSecond]);

  it('is silent when the adapter lists the metric', () => {
    expect(metricNameFindings(facts('http_requests_per_second', { customMetricNames: ['http_requests_per_second'], specRules: rules }))).toEqual([]);
  });

  it('tells "the rule is right, Prometheus has no such series" from a typo', () => {
    const [f] = metricNameFindings(facts('http_requests_per_second', { customMetricNames: [], specRules: rules }));
    expect(f?.cause).toBe(HpaCause.UnknownCustomMetric);
    expect(f?.message).toContain('named by a rule in spec.prometheusAdapter.rules (seriesQuery http_requests_total{namespace!="",pod!=""})');
    expect(f?.fix).toContain('query Prometheus for http_requests_total');
  });

  it('suggests the rule\'s name for a typo even before the adapter lists anything', () => {
    const [f] = metricNameFindings(facts('http_request_per_second', { customMetricNames: [], specRules: rules }));
    expect(f?.message).toContain('closest rule name: http_requests_per_second');
  });

  it('judges from the rules alone while the adapter does not answer, unless a patterned rule may name it', () => {
    expect(metricNameFindings(facts('queue_depth', { specRules: rules }))[0]?.message).toContain('is named by no rule in spec.prometheusAdapter.rules');
    expect(metricNameFindings(facts('http_requests_per_second', { specRules: rules }))).toEqual([]);
    const patterned = specRuleNames([perSecond, { seriesQuery: '{__name__=~"^queue_.*",pod!=""}' }]);
    expect(metricNameFindings(facts('queue_depth', { specRules: patterned }))).toEqual([]);
  });

  it('has no rules to compare with when the stack serves no custom metrics', () => {
    expect(specRuleNames([])).toBeUndefined();
    expect(metricNameFindings(facts('queue_depth', {}))).toEqual([]);
  });
});
