import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { HpaCause, type HpaFacts } from '../../../../src/reconcilers/hpa/index.js';
import { limitFindings, placementFindings } from '../../../../src/reconcilers/hpa/placement-checks.js';
import { caStatusAtMaxSize } from '../../../support/ca-status.js';

const NOW = new Date('2026-12-02T12:00:00Z');
const limitedSince = (iso: string): V2HorizontalPodAutoscaler => ({
  metadata: { namespace: 'shop', name: 'web' },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 4 },
  status: { desiredReplicas: 4, conditions: [{ type: 'ScalingLimited', status: 'True', reason: 'TooManyReplicas',
    message: 'the desired replica count is more than the maximum replica count', lastTransitionTime: new Date(iso) }] },
});
const facts = (f: Partial<HpaFacts>): HpaFacts => ({ hpa: limitedSince('2026-12-02T11:59:30Z'), target: undefined, apiServices: {}, now: NOW, ...f });

describe('ScaleOutBlockedPendingPods and its threshold', () => {
  it('waits 10 minutes by default', () => {
    expect(limitFindings(facts({ pendingPods: 2 }))).toEqual([]);
    expect(limitFindings(facts({ pendingPods: 2, hpa: limitedSince('2026-12-02T11:49:00Z') })).map((f) => f.message))
      .toEqual([expect.stringMatching(/^at maxReplicas \(4\) for 11 min with 2 Pending pods/)]);
  });

  it('fires after limitedAfterMs (--hpa-limited-after), saying seconds under a minute', () => {
    const [found] = limitFindings(facts({ pendingPods: 2, limitedAfterMs: 20_000, clusterAutoscalerStatus: null }));
    expect(found?.cause).toBe(HpaCause.ScaleOutBlockedPendingPods);
    expect(found?.message).toBe('at maxReplicas (4) for 30 s with 2 Pending pods: the cluster has no room for them. ' +
      'Cluster Autoscaler is not running (no kube-system/cluster-autoscaler-status ConfigMap)');
    expect(limitFindings(facts({ pendingPods: 2, limitedAfterMs: 40_000 }))).toEqual([]);
    expect(limitFindings(facts({ pendingPods: 0, limitedAfterMs: 20_000 }))).toEqual([]);
  });

  it("quotes Cluster Autoscaler's status", () => {
    const [found] = limitFindings(facts({ pendingPods: 1, limitedAfterMs: 20_000, clusterAutoscalerStatus: caStatusAtMaxSize('eks-ng-1', 2, NOW) }));
    expect(found?.message).toMatch(/Cluster Autoscaler says: autoscalerStatus Running, clusterWide scaleUp NoActivity; node group eks-ng-1: health Healthy/);
    expect(found?.message).toContain('cloudProviderTarget=2 (minSize=1, maxSize=2) at maxSize');
  });
});

describe('PodsOnUnreachableNodes', () => {
  it('names each node the target runs on that metrics-server has no metrics for, with why, but not its own Fargate node', () => {
    const unreachable = new Map([['n2', 'not scraped: kubelet unreachable'], ['fargate-1', 'Fargate: metrics-server runs on this node']]);
    const found = placementFindings(facts({ podNodes: ['fargate-1', 'n1', 'n2'], metricsServer: { ownFargateNodes: ['fargate-1'], unreachable } }));
    expect(found.map((f) => [f.cause, f.message])).toEqual([
      [HpaCause.PodsOnMetricsServerFargateNode, expect.stringContaining('fargate-1')],
      [HpaCause.PodsOnUnreachableNodes, 'pods run on nodes metrics-server cannot scrape: n2 (not scraped: kubelet unreachable)'],
    ]);
  });

  it('waits out metrics-server\'s first scrapes: a node that only just lost (or never had) metrics is not yet unreachable', () => {
    const since = (iso: string, status = 'False'): V2HorizontalPodAutoscaler => ({ ...limitedSince(iso), status: { desiredReplicas: 1, conditions: [{ type: 'ScalingActive', status,
      reason: 'FailedGetResourceMetric', message: 'unable to get metrics for resource cpu: no metrics returned from resource metrics API',
      lastTransitionTime: new Date(iso) }] } });
    const reach = { podNodes: ['n2'], metricsServer: { ownFargateNodes: [], unreachable: new Map([['n2', 'not scraped: kubelet unreachable']]) } };
    expect(placementFindings(facts({ ...reach, hpa: since('2026-12-02T11:59:00Z') }))).toEqual([]);
    expect(placementFindings(facts({ ...reach, hpa: since('2026-12-02T11:57:00Z') })).map((f) => f.cause)).toEqual([HpaCause.PodsOnUnreachableNodes]);
    expect(placementFindings(facts({ ...reach, hpa: since('2026-12-02T11:00:00Z', 'True') }))).toEqual([]);
  });
});
