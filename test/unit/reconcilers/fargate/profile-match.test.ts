import { describe, expect, it } from 'vitest';
import type { FargateSelector } from '../../../../src/cloud/aws/ports.js';
import { matchingProfiles, profileSelectsPod, selectorSelectsPod } from '../../../../src/reconcilers/fargate/profile-match.js';
import { wildcardMatch } from '../../../../src/reconcilers/aws/wildcard.js';

const METRICS_SERVER = { namespace: 'kube-system', labels: { 'app.kubernetes.io/name': 'metrics-server', 'k8s-app': 'metrics-server' } };
const sel = (namespace: string, labels?: Record<string, string>): FargateSelector => ({ namespace, ...(labels ? { labels } : {}) });

// [name, selectors of one profile, pod, selected?]
const cases: [string, FargateSelector[], { namespace: string; labels?: Record<string, string> }, boolean][] = [
  ['a namespace-only selector selects every pod in that namespace', [sel('kube-system')], METRICS_SERVER, true],
  ['a namespace-only selector does not select pods of another namespace', [sel('default')], METRICS_SERVER, false],
  ['a selector with an empty label map behaves like a namespace-only one', [sel('kube-system', {})], METRICS_SERVER, true],
  ['a selector whose labels the pod all carries selects it', [sel('kube-system', { 'k8s-app': 'metrics-server' })], METRICS_SERVER, true],
  ['a selector with one label the pod lacks does not select it', [sel('kube-system', { 'k8s-app': 'metrics-server', tier: 'x' })], METRICS_SERVER, false],
  ['a label with another value does not match', [sel('kube-system', { 'k8s-app': 'kube-dns' })], METRICS_SERVER, false],
  ['a pod without labels is not selected by a selector with labels', [sel('kube-system', { 'k8s-app': 'metrics-server' })], { namespace: 'kube-system' }, false],
  ['a pod without labels is selected by a namespace-only selector', [sel('kube-system')], { namespace: 'kube-system' }, true],
  ['extra pod labels do not prevent a match', [sel('kube-system', { 'app.kubernetes.io/name': 'metrics-server' })], METRICS_SERVER, true],
  ['`*` in the namespace matches a prefix', [sel('kube-*')], METRICS_SERVER, true],
  ['`*` alone matches every namespace', [sel('*')], METRICS_SERVER, true],
  ['`*` matches the empty string (prod* matches prod)', [sel('prod*')], { namespace: 'prod' }, true],
  ['`*` in the middle matches any run', [sel('k*m')], METRICS_SERVER, true],
  ['`?` matches exactly one character', [sel('kube-syste?')], METRICS_SERVER, true],
  ['`?` does not match zero characters', [sel('kube-system?')], METRICS_SERVER, false],
  ['`?` does not match two characters', [sel('kube-sys?')], METRICS_SERVER, false],
  ['`frontend*?` needs at least one character after the prefix', [sel('frontend*?')], { namespace: 'frontend' }, false],
  ['`frontend*?` matches frontend plus one or more characters', [sel('frontend*?')], { namespace: 'frontend-a' }, true],
  ['`*` in a label value matches', [sel('kube-system', { 'k8s-app': 'metrics-*' })], METRICS_SERVER, true],
  ['`?` in a label value matches one character', [sel('kube-system', { 'k8s-app': 'metrics-serve?' })], METRICS_SERVER, true],
  ['`*` in a label key matches any key with both key and value matching', [sel('kube-system', { 'app.kubernetes.io/*': 'metrics-server' })], METRICS_SERVER, true],
  ['a wildcard key must match key and value on the same label', [sel('kube-system', { 'app.kubernetes.io/*': 'kube-dns' })], METRICS_SERVER, false],
  ['namespaces match case-sensitively', [sel('Kube-System')], METRICS_SERVER, false],
  ['label values match case-sensitively', [sel('kube-system', { 'k8s-app': 'Metrics-Server' })], METRICS_SERVER, false],
  ['label keys match case-sensitively', [sel('kube-system', { 'K8s-App': 'metrics-server' })], METRICS_SERVER, false],
  ['the namespace must match even when every label does', [sel('default', { 'k8s-app': 'metrics-server' })], METRICS_SERVER, false],
  ['any one of several selectors is enough', [sel('default'), sel('monitoring'), sel('kube-system', { 'k8s-app': 'metrics-server' })], METRICS_SERVER, true],
  ['no selector of several matching means not selected', [sel('default'), sel('kube-system', { 'k8s-app': 'coredns' })], METRICS_SERVER, false],
  ['a profile with no selectors selects nothing', [], METRICS_SERVER, false],
  ['regex syntax is literal, not a pattern', [sel('kube-.*')], METRICS_SERVER, false],
  ['a label value wildcard must still cover the whole value', [sel('kube-system', { 'k8s-app': 'metrics' })], METRICS_SERVER, false],
];

describe('profileSelectsPod', () => {
  it.each(cases)('%s', (_name, selectors, pod, expected) => {
    expect(profileSelectsPod({ name: 'fp', selectors }, pod)).toBe(expected);
  });
});

describe('matchingProfiles', () => {
  const profiles = [
    { name: 'fp-default', selectors: [sel('default')] },
    { name: 'fp-kube-system', selectors: [sel('kube-system')] },
    { name: 'fp-metrics', selectors: [sel('*', { 'k8s-app': 'metrics-*' })] },
  ];

  it('returns every profile that selects the pod, in input order', () => {
    expect(matchingProfiles(profiles, METRICS_SERVER).map((p) => p.name)).toEqual(['fp-kube-system', 'fp-metrics']);
  });

  it('returns no profile for a pod in a namespace no selector names', () => {
    expect(matchingProfiles(profiles, { namespace: 'monitoring', labels: { 'k8s-app': 'prometheus' } })).toEqual([]);
  });

  it('keeps the caller’s profile type (status and all)', () => {
    const withStatus = [{ name: 'fp', status: 'DELETING', selectors: [sel('kube-system')] }];
    expect(matchingProfiles(withStatus, METRICS_SERVER)[0]?.status).toBe('DELETING');
  });
});

describe('selectorSelectsPod', () => {
  it('treats an absent pod label map like an empty one', () => {
    expect(selectorSelectsPod(sel('kube-system'), { namespace: 'kube-system' })).toBe(true);
  });
});

describe('wildcardMatch', () => {
  it.each([
    ['', '', true],
    ['*', '', true],
    ['?', '', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['**', 'anything', true],
    ['*a', 'bbba', true],
    ['*a', 'bbab', false],
  ])('pattern %j against %j is %s', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });

  it('stays fast on a pathological pattern', () => {
    const start = performance.now();
    expect(wildcardMatch(`${'*a'.repeat(30)}b`, 'a'.repeat(60))).toBe(false);
    expect(performance.now() - start).toBeLessThan(50);
  });
});
