import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { MetricsStackSpec } from '../../../../../src/api/v1alpha1/types.js';
import { withDefaults } from '../../../../../src/api/v1alpha1/defaults.js';
import { captureGroups, goRegexpError } from '../../../../../src/reconcilers/prometheus-adapter/rules/go-regexp.js';
import { goTemplateError, QUERY_TEMPLATE_FIELDS } from '../../../../../src/reconcilers/prometheus-adapter/rules/go-template.js';
import { parseSeriesSelector } from '../../../../../src/reconcilers/prometheus-adapter/rules/promql-selector.js';
import { validateAdapterRules } from '../../../../../src/reconcilers/prometheus-adapter/rules/validate.js';

const SEED_002_RULE = {
  seriesQuery: 'httpd_requests_total{namespace!="",pod!=""}',
  resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
  name: { matches: '^(.*)_total$', as: '${1}_per_second' },
  metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)',
};
const adapter = (over: Record<string, unknown>) =>
  withDefaults({ prometheusAdapter: { prometheusURL: 'http://prometheus:9090', ...over } }).prometheusAdapter!;

describe('parseSeriesSelector: the seriesQuery as Prometheus reads match[]', () => {
  it.each([
    ['httpd_requests_total{namespace!="",pod!=""}', { metric: 'httpd_requests_total', matchers: [{ name: 'namespace', op: '!=', value: '' }, { name: 'pod', op: '!=', value: '' }] }],
    ['{__name__=~"^container_.*",container!="POD",namespace!="",pod!=""}', { matchers: expect.arrayContaining([{ name: '__name__', op: '=~', value: '^container_.*' }]) }],
    ["up{job='node', instance=~`10\\..*`,}", { metric: 'up', matchers: [{ name: 'job', op: '=', value: 'node' }, { name: 'instance', op: '=~', value: '10\\..*' }] }],
    ['  http_requests_total  ', { metric: 'http_requests_total', matchers: [] }],
    ['node:cpu:rate5m{}', { metric: 'node:cpu:rate5m', matchers: [] }],
  ])('accepts %s', (q, expected) => {
    expect(parseSeriesSelector(q)).toMatchObject(expected);
  });

  it.each([
    ['httpd_requests_total{namespace!=""', /expected "," or "}"|expected label name/],
    ['httpd_requests_total{namespace!=}', /expected string/],
    ['httpd_requests_total{namespace=="x"}', /expected string/],
    ['{namespace=~".*"}', /at least one non-empty matcher/],
    ['{}', /needs a metric name/],
    ['rate(http_requests_total[5m])', /after the selector/],
    ['http_requests_total{pod=~"(?!x).*"}', /invalid regular expression.*lookahead/],
    ['up{__name__="x"}', /metric name must not be set twice/],
    ['', /needs a metric name/],
  ])('rejects %s', (q, message) => {
    const r = parseSeriesSelector(q);
    expect('error' in r && r.error).toMatch(message);
  });
});

describe('goRegexpError: Go (RE2) syntax, which JavaScript parses differently', () => {
  it.each(['^(.*)_total$', '^container_(.*)_seconds_total$', '(?P<name>a+)', '(?i)^HTTP_.*', '[[:alpha:]]+_total', '\\Aabc\\z', 'a{2,5}?', '[*+?]', '\\(?=x'])('accepts %s', (re) => {
    expect(goRegexpError(re)).toBeUndefined();
  });
  it.each([
    ['(?=foo)bar', 'invalid or unsupported Perl syntax: `(?=`'],
    ['(?<!foo)bar', 'invalid or unsupported Perl syntax: `(?<!`'],
    ['(a)\\1', 'invalid escape sequence: `\\1`'],
    ['a++', 'invalid nested repetition operator: `++`'],
    ['a**', 'invalid nested repetition operator: `**`'],
    ['a{1001}', 'invalid repeat count: `{1001}`'],
    ['(?>a)', 'invalid or unsupported Perl syntax: `(?>`'],
    ['foo\\Z', 'invalid escape sequence: `\\Z`'],
    ['^(.*_total$', 'unterminated group'],
    ['*abc', 'nothing to repeat'],
    ['[z-a]', 'range out of order'],
    ['[[:nope:]]', 'invalid character class range'],
  ])('rejects %s', (re, message) => {
    expect(goRegexpError(re)).toContain(message);
  });
  it('counts capture groups as Go does', () => {
    expect([captureGroups('^(.*)_total$'), captureGroups('(?:a)(b)(?P<c>d)'), captureGroups('\\(x\\)[(]'), captureGroups('plain')]).toEqual([1, 2, 0, 0]);
  });
});

describe('goTemplateError: metricsQuery with the delimiters << and >>', () => {
  it.each([
    'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)',
    'sum(<<.Series>>{<<.LabelMatchers>>,container!="POD"}) by (<<.GroupBy>>)',
    '<<- range $i, $l := .GroupBySlice >><<if $i>>,<<end>><<$l>><<- end >>',
    'max(<<.Series>>{pod="<<index .LabelValuesByName "pod">>"})',
    '<<if .GroupBy>>sum by (<<.GroupBy>>)<<else>>sum<<end>>(<<.Series>>)',
    'x{a=">>"}<</* a comment */>>',
  ])('accepts %s', (t) => {
    expect(goTemplateError(t, QUERY_TEMPLATE_FIELDS)).toBeUndefined();
  });
  it.each([
    ['sum(rate(<<.Series>>{<<.LabelMatchers}[2m]))', 'unclosed action'],
    ['sum(<<.Serie>>)', "can't evaluate field Serie: the adapter provides .Series, .LabelMatchers"],
    ['<<if .GroupBy>>x', 'has no matching <<end>>'],
    ['x<<end>>', 'unexpected <<end>>'],
    ['<<upper .Series>>', 'function "upper" not defined'],
    ['<<>>', 'missing value for command'],
    ['<<.Series "unterminated>>', 'unclosed action'],
  ])('rejects %s', (t, message) => {
    expect(goTemplateError(t, QUERY_TEMPLATE_FIELDS)).toContain(message);
  });
});

describe('validateAdapterRules', () => {
  it("accepts seed 002's httpd rule", () => {
    expect(validateAdapterRules(adapter({ rules: [SEED_002_RULE], externalRules: [SEED_002_RULE] }), false)).toEqual([]);
  });
  it('names the rule index, the field and the parser error for each broken rule', () => {
    const problems = validateAdapterRules(adapter({
      rules: [SEED_002_RULE, { ...SEED_002_RULE, name: { matches: '^(?!kube_)(.*)_total$' } }, { ...SEED_002_RULE, metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers}' }, { ...SEED_002_RULE, metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m]) by (<<.GroupBy>>)' }],
      externalRules: [{ ...SEED_002_RULE, seriesQuery: 'up{job=~"a|b"' }],
    }), false);
    expect(problems).toEqual([
      expect.stringMatching(/^spec\.prometheusAdapter\.rules\[1\]\.name\.matches: error parsing regexp: invalid or unsupported Perl syntax: `\(\?!`/),
      expect.stringMatching(/^spec\.prometheusAdapter\.rules\[2\]\.metricsQuery: template: 1: unclosed action/),
      'spec.prometheusAdapter.rules[3].metricsQuery: 1:4: parse error: unclosed "(" (in the query with each <<action>> replaced by x)',
      expect.stringMatching(/^spec\.prometheusAdapter\.externalRules\[0\]\.seriesQuery "up\{job=~\\"a\|b\\"": 1:\d+: parse error/),
    ]);
  });
  it('wants name.as when matches has several capture groups, as the adapter does', () => {
    const problems = validateAdapterRules(adapter({ rules: [{ ...SEED_002_RULE, name: { matches: '^(.*)_(.*)_total$' } }] }), false);
    expect(problems).toEqual([expect.stringContaining('rules[0].name: matches has 2 capture groups, so the adapter needs name.as')]);
  });
  it('wants a resource mapping for custom rules (a series must belong to some object), not for external ones', () => {
    const { resources: _, ...bare } = SEED_002_RULE;
    expect(validateAdapterRules(adapter({ rules: [bare], externalRules: [bare] }), false)).toEqual([expect.stringContaining('rules[0].resources: neither overrides nor template')]);
  });
  it('checks resource templates and the resourceRules queries only when they are used', () => {
    const rr = { cpu: { containerQuery: 'sum(<<.Seriess>>)', nodeQuery: 'x' }, memory: { containerQuery: 'x', nodeQuery: 'x', resources: { template: '<<.Resourc>>' } } };
    const spec = adapter({ resourceRules: rr });
    expect(validateAdapterRules(spec, false)).toEqual([]);
    expect(validateAdapterRules(spec, true)).toEqual([
      expect.stringContaining("resourceRules.cpu.containerQuery: template: 1: can't evaluate field Seriess"),
      expect.stringContaining("resourceRules.memory.resources.template: template: 1: can't evaluate field Resourc: the adapter provides .Group, .Resource"),
    ]);
  });
});

describe('the samples in config/samples', () => {
  const dir = new URL('../../../../../config/samples/', import.meta.url);
  it.each(readdirSync(dir).filter((f) => f.endsWith('.yaml')))('%s has adapter rules the adapter accepts', (file) => {
    const spec = withDefaults((parse(readFileSync(new URL(file, dir), 'utf8')) as { spec: MetricsStackSpec }).spec);
    if (spec.prometheusAdapter) expect(validateAdapterRules(spec.prometheusAdapter, spec.resourceMetrics.provider === 'prometheus-adapter')).toEqual([]);
  });
});
