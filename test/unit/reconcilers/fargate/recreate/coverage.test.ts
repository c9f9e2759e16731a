import { describe, expect, it } from 'vitest';
import type { FargateSelector } from '../../../../../src/cloud/aws/ports.js';
import { wildcardCovers } from '../../../../../src/reconcilers/aws/wildcard.js';
import { checkReplacement, type CoverageFacts, type LivePod } from '../../../../../src/reconcilers/fargate/recreate/coverage.js';

const MS_LABELS = { 'k8s-app': 'metrics-server', 'app.kubernetes.io/name': 'metrics-server', 'metricsstack.io/owner': 'default' };
const sel = (namespace: string, labels?: Record<string, string>): FargateSelector => ({ namespace, ...(labels ? { labels } : {}) });
const pod = (ref: string, labels: Record<string, string> = {}): LivePod => {
  const [namespace = '', name = ''] = ref.split('/');
  return { namespace, name, labels };
};
const facts = (otherPods: LivePod[] = [], metricsServerPods: LivePod[] = []): CoverageFacts =>
  ({ metricsServer: { namespace: 'kube-system', labels: MS_LABELS }, metricsServerPods, otherPods });
const msPod = pod('kube-system/metrics-server-7d9-x', { ...MS_LABELS, 'pod-template-hash': '7d9' });

// [name, original selectors, replacement selectors, facts, reason (undefined: accepted), message fragment]
const cases: [string, FargateSelector[], FargateSelector[], CoverageFacts, string | undefined, string][] = [
  ['accepts narrowing a namespace-wide selector that selects metrics-server when nothing else runs there',
    [sel('kube-system')], [sel('kube-system', { compute: 'fargate' })], facts([], [msPod]), undefined, ''],
  ['refuses dropping a pod other than metrics-server that the original selects, naming it',
    [sel('kube-system')], [sel('kube-system', { compute: 'fargate' })], facts([pod('kube-system/coredns-1', { 'k8s-app': 'kube-dns' })], [msPod]),
    'ReplacementUncovered', 'pod kube-system/coredns-1 (k8s-app=kube-dns)'],
  ['accepts when every such pod is still selected',
    [sel('kube-system')], [sel('kube-system', { compute: 'fargate' })], facts([pod('kube-system/coredns-1', { 'k8s-app': 'kube-dns', compute: 'fargate' })]),
    undefined, ''],
  ['ignores pods the original does not select',
    [sel('kube-system')], [sel('kube-system', { compute: 'fargate' })], facts([pod('default/web-1', { app: 'web' })]), undefined, ''],
  ['refuses a replacement that still selects metrics-server\'s rendered labels',
    [sel('kube-system')], [sel('kube-system', { 'k8s-app': 'metrics-*' })], facts(), 'ReplacementSelectsMetricsServer',
    'fp-new (namespace kube-system, k8s-app=metrics-*) would still select metrics-server\'s pods'],
  ['refuses one that selects a running metrics-server pod by a label only the pod carries',
    [sel('kube-system')], [sel('kube-system', { 'pod-template-hash': '*' })], facts([], [msPod]), 'ReplacementSelectsMetricsServer',
    'kube-system/metrics-server-7d9-x'],
  ['refuses dropping a selector that does not select metrics-server, naming it',
    [sel('kube-system'), sel('default', { compute: 'fargate' })], [sel('kube-system', { compute: 'fargate' })], facts(), 'ReplacementUncovered',
    'the fp-old selector (namespace default, compute=fargate) is not covered by fp-new'],
  ['refuses replacing a label with another one', [sel('default', { compute: 'fargate' })], [sel('default', { compute: 'fargate-v2' })], facts(),
    'ReplacementUncovered', '(namespace default, compute=fargate)'],
  ['accepts a wider selector in place of a narrower one', [sel('default', { compute: 'fargate' })], [sel('default')], facts(), undefined, ''],
  ['accepts a selector with fewer labels in place of one with more',
    [sel('default', { compute: 'fargate', tier: 'batch' })], [sel('default', { compute: 'fargate' })], facts(), undefined, ''],
  ['accepts a namespace wildcard that covers the original', [sel('team-a', { tier: 'batch' })], [sel('team-*')], facts(), undefined, ''],
  ['refuses a namespace narrower than the original wildcard', [sel('team-*')], [sel('team-a')], facts(), 'ReplacementUncovered', '(namespace team-*)'],
  ['accepts a selector kept among added ones', [sel('default', { compute: 'fargate' })],
    [sel('default', { compute: 'fargate-v2' }), sel('default', { compute: 'fargate' })], facts(), undefined, ''],
];

describe('checkReplacement', () => {
  it.each(cases)('%s', (_name, original, replacement, f, reason, message) => {
    const refusal = checkReplacement({ name: 'fp-old', selectors: original }, { name: 'fp-new', selectors: replacement }, f);
    expect(refusal?.reason).toBe(reason);
    if (refusal) {
      expect(refusal.message).toContain(message);
      expect(refusal.message).toContain('fp-old is kept');
    }
  });

  it('counts the pods it does not name', () => {
    const others = ['a', 'b', 'c'].map((n) => pod(`kube-system/${n}`, { app: n }));
    const refusal = checkReplacement(
      { name: 'fp-old', selectors: [sel('kube-system')] }, { name: 'fp-new', selectors: [sel('kube-system', { x: 'y' })] }, facts(others));
    expect(refusal?.message).toContain('pod kube-system/a (app=a) and 2 more');
  });
});

describe('wildcardCovers: does every value the inner pattern matches match the outer one too?', () => {
  it.each([
    ['*', 'team-*', true],
    ['team-*', 'team-a', true],
    ['team-a', 'team-*', false],
    ['team-?', 'team-*', false],
    ['a*', 'a?', true],
    ['a?', 'a*', false],
    ['a?c', 'a?c', true],
    ['ab?', 'abc', true],
    ['abc', 'ab?', false],
    ['*', '', true],
    ['', '', true],
    ['kube-system', 'kube-system', true],
    ['kube-system', 'default', false],
  ])('%j covers %j: %s', (outer, inner, covers) => {
    expect(wildcardCovers(outer, inner)).toBe(covers);
  });
});
