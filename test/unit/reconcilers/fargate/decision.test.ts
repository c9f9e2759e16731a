import { describe, expect, it } from 'vitest';
import { decideNamespace, decidePlacement, decidePodPlacement, describeProfiles, type PlacementFacts } from '../../../../src/reconcilers/fargate/decision.js';
import { metricsServerPods, podPlacementChanged, trimPod } from '../../../../src/reconcilers/fargate/pods.js';

const facts = (o: Partial<PlacementFacts> = {}): PlacementFacts => ({
  kind: 'EKS', provider: 'metrics-server', placement: 'AvoidFargate', strategy: 'Annotate', namespace: 'kube-system', ec2Nodes: 2, fargateNodes: 3, ...o,
});

describe('decidePlacement', () => {
  it.each([
    ['a cluster that is not EKS', { kind: 'Generic' as const }, 'True', 'NotApplicable', false],
    ['provider prometheus-adapter', { provider: 'prometheus-adapter' }, 'True', 'NotApplicable', false],
    ['provider none', { provider: 'none' }, 'True', 'NotApplicable', false],
    ['placement Ignore', { placement: 'Ignore' as const }, 'True', 'NotApplicable', false],
    ['an all-Fargate cluster (seed 001)', { ec2Nodes: 0 }, 'False', 'NoEC2Capacity', true],
    ['an all-Fargate cluster with strategy Namespace', { ec2Nodes: 0, strategy: 'Namespace' as const, fargateNamespace: 'metrics' }, 'False', 'NoEC2Capacity', true],
  ])('gives a final verdict for %s', (_n, o, status, reason, affinity) => {
    const d = decidePlacement(facts(o));
    expect(d.condition).toMatchObject({ type: 'FargatePlacementSafe', status, reason });
    expect(d.placement.avoidFargateAffinity).toBe(affinity);
  });

  it.each([
    ['Annotate', {}, { namespace: 'kube-system', annotateEC2: true, avoidFargateAffinity: true }],
    ['Namespace', { strategy: 'Namespace' as const, fargateNamespace: 'metrics' }, { namespace: 'metrics', annotateEC2: false, avoidFargateAffinity: true }],
    ['RecreateProfile', { strategy: 'RecreateProfile' as const }, { namespace: 'kube-system', annotateEC2: false, avoidFargateAffinity: true }],
    ['an EKS cluster with no Fargate node (profiles may still select)', { fargateNodes: 0 }, { namespace: 'kube-system', annotateEC2: true, avoidFargateAffinity: true }],
  ])('needs the profiles for %s and places metrics-server accordingly', (_n, o, placement) => {
    const d = decidePlacement(facts(o));
    expect(d.condition).toBeUndefined();
    expect(d.placement).toEqual(placement);
  });

  it('explains NoEC2Capacity with seed 001\'s error and offers prometheus-adapter', () => {
    const m = decidePlacement(facts({ ec2Nodes: 0, fargateNodes: 1 })).condition!.message;
    expect(m).toContain('1 Fargate node and no EC2 node');
    expect(m).toContain('dial tcp <ip>:10250: connect: connection refused');
    expect(m).toContain('spec.resourceMetrics.provider: prometheus-adapter');
  });
});

describe('decideNamespace', () => {
  const pod = { namespace: 'metrics', labels: { 'k8s-app': 'metrics-server', 'app.kubernetes.io/name': 'metrics-server' } };
  it.each([
    ['no profile', [], undefined],
    ['a profile for another namespace', [{ name: 'fp', selectors: [{ namespace: 'default' }] }], undefined],
    ['a profile whose labels the pods lack', [{ name: 'fp', selectors: [{ namespace: 'metrics', labels: { compute: 'fargate' } }] }], undefined],
    ['a profile for the namespace', [{ name: 'fp-metrics', selectors: [{ namespace: 'metrics' }] }], 'fp-metrics (namespace metrics)'],
    ['a wildcard profile', [{ name: 'fp-all', selectors: [{ namespace: 'met*' }] }], 'fp-all (namespace met*)'],
    ['a profile matching the pods\' labels', [{ name: 'fp-l', selectors: [{ namespace: '*', labels: { 'k8s-app': 'metrics-*' } }] }], 'fp-l (namespace *, k8s-app=metrics-*)'],
  ])('with %s', (_n, profiles, named) => {
    const c = decideNamespace(profiles, pod);
    if (named === undefined) expect(c).toBeUndefined();
    else expect(c).toMatchObject({ status: 'False', reason: 'SelectedByFargateProfile', message: expect.stringContaining(`selected by Fargate profile ${named}`) });
  });

  it('describes several profiles and selectors', () => {
    expect(describeProfiles([{ name: 'a', selectors: [{ namespace: 'x' }, { namespace: 'y', labels: { k: 'v' } }] }, { name: 'b', selectors: [{ namespace: 'z' }] }]))
      .toBe('a (namespace x; namespace y, k=v), b (namespace z)');
  });
});

describe('decidePodPlacement', () => {
  const ok = { reason: 'PodsOnEC2' as const, message: 'Annotated.' };
  const isFargate = (n: string) => n.startsWith('fargate-');
  it.each([
    ['every pod on EC2', [{ name: 'ns/a', nodeName: 'ip-1' }, { name: 'ns/b', nodeName: 'ip-2' }], 'True', 'PodsOnEC2', 'Annotated. 2 metrics-server pod(s) run on EC2 node(s) ip-1, ip-2.'],
    ['one pod on Fargate', [{ name: 'ns/a', nodeName: 'ip-1' }, { name: 'ns/b', nodeName: 'fargate-ip-9' }], 'False', 'PodsOnFargate', 'metrics-server pod ns/b (node fargate-ip-9) runs on Fargate'],
    ['no pod yet', [], 'Unknown', 'PodsNotScheduled', 'No metrics-server pod exists yet'],
    ['pods not scheduled', [{ name: 'ns/a' }], 'Unknown', 'PodsNotScheduled', '1 metrics-server pod(s) are not scheduled yet'],
    ['one scheduled, one pending', [{ name: 'ns/a', nodeName: 'ip-1' }, { name: 'ns/b' }], 'True', 'PodsOnEC2', 'run on EC2 node(s) ip-1; 1 not scheduled yet.'],
  ])('with %s', (_n, pods, status, reason, message) => {
    const c = decidePodPlacement(pods, isFargate, ok);
    expect(c).toMatchObject({ type: 'FargatePlacementSafe', status, reason });
    expect(c.message).toContain(message);
  });
});

describe('the pod cache', () => {
  const pod = (name: string, labels: Record<string, string>, nodeName?: string, extra: object = {}) => trimPod({
    metadata: { name, namespace: 'kube-system', resourceVersion: '1', labels: { 'pod-template-hash': 'x', ...labels }, annotations: { big: 'x'.repeat(100) } },
    spec: { containers: [{ name: 'c', image: 'i' }], ...(nodeName ? { nodeName } : {}) },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    ...extra,
  });
  const mine = { 'k8s-app': 'metrics-server', 'metricsstack.io/owner': 'default' };

  it('keeps only name, a few labels, the node and the phase', () => {
    expect(pod('a', mine, 'ip-1')).toEqual({
      metadata: { name: 'a', namespace: 'kube-system', resourceVersion: '1', labels: mine },
      spec: { nodeName: 'ip-1', containers: [] },
      status: { phase: 'Running' },
    });
  });

  it('re-queues on a move, a phase change or a deletion, not on status churn', () => {
    const a = pod('a', mine, 'ip-1');
    expect(podPlacementChanged(a, { ...a })).toBe(false);
    expect(podPlacementChanged(a, { ...a, spec: { containers: [], nodeName: 'ip-2' } })).toBe(true);
    expect(podPlacementChanged(a, { ...a, status: { phase: 'Failed' } })).toBe(true);
    expect(podPlacementChanged(undefined, a)).toBe(true);
  });

  it('selects the live metrics-server pods of one stack in one namespace', () => {
    const cache = [
      pod('mine', mine, 'ip-1'),
      pod('other-stack', { ...mine, 'metricsstack.io/owner': 'other' }, 'ip-1'),
      pod('adapter', { 'k8s-app': 'prometheus-adapter', 'metricsstack.io/owner': 'default' }, 'ip-1'),
      { ...pod('done', mine, 'ip-1'), status: { phase: 'Succeeded' } },
      pod('going', mine, 'ip-1', { metadata: { name: 'going', namespace: 'kube-system', labels: mine, deletionTimestamp: new Date() } }),
    ];
    expect(metricsServerPods({ list: () => cache, get: () => undefined }, 'default', 'kube-system')).toEqual([{ name: 'kube-system/mine', nodeName: 'ip-1' }]);
  });
});
