import type { V2HorizontalPodAutoscaler, V2MetricSpec } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { HpaCause, type HpaFacts } from '../../../../src/reconcilers/hpa/index.js';
import { diagnoseHpa } from '../../../../src/reconcilers/hpa/verdict.js';
import { closest } from '../../../../src/reconcilers/hpa/metric-names.js';

const NOW = new Date('2026-12-02T12:00:00Z');
const cpu: V2MetricSpec = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } };
type Cond = { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: Date };
const hpa = (metrics: V2MetricSpec[] = [cpu], conditions: Cond[] = [], extra: Partial<V2HorizontalPodAutoscaler['metadata']> = {}): V2HorizontalPodAutoscaler => ({
  metadata: { namespace: 'shop', name: 'web', ...extra },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 4, metrics },
  status: { desiredReplicas: 1, conditions: conditions as never },
});
const app = { name: 'app', resources: { requests: { cpu: '100m' } } };
const target = { kind: 'Deployment', name: 'web', replicas: 2, hasSelector: true, containers: [app] };
const available = { name: 'v1beta1.metrics.k8s.io', service: { namespace: 'kube-system', name: 'metrics-server' }, available: 'True' as const };
const base: HpaFacts = { hpa: hpa(), target, apiServices: { metrics: available }, now: NOW };
const causes = (f: Partial<HpaFacts>) => diagnoseHpa({ ...base, ...f }).findings.map((x) => x.cause);
const first = (f: Partial<HpaFacts>) => diagnoseHpa({ ...base, ...f }).findings[0];

describe('diagnoseHpa', () => {
  const table: [string, Partial<HpaFacts>, HpaCause[]][] = [
    ['says nothing about an HPA whose target, requests and metrics API are fine', {}, []],
    ['calls a scale target that does not exist TargetMissing', { target: 'missing' }, [HpaCause.TargetMissing]],
    ['calls FailedGetScale TargetMissing when the target could not be read',
      { target: undefined, hpa: hpa([cpu], [{ type: 'AbleToScale', status: 'False', reason: 'FailedGetScale', message: 'deployments/scale.apps "web" not found' }]) },
      [HpaCause.TargetMissing]],
    ['calls a target without selector TargetHasNoSelector', { target: { ...target, hasSelector: false } }, [HpaCause.TargetHasNoSelector]],
    ['calls a target at 0 replicas TargetScaledToZero', { target: { ...target, replicas: 0 } }, [HpaCause.TargetScaledToZero]],
    ['names a sidecar without a cpu request', { target: { ...target, containers: [app, { name: 'istio-proxy', resources: {} }] } },
      [HpaCause.MissingResourceRequest]],
    ['asks no request of an AverageValue target',
      { hpa: hpa([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '100m' } } }]), target: { ...target, containers: [{ name: 'app' }] } }, []],
    ['reports both a missing request and an unregistered metrics API', { target: { ...target, containers: [{ name: 'app' }] }, apiServices: { metrics: undefined } },
      [HpaCause.MissingResourceRequest, HpaCause.MetricsAPINotRegistered]],
    ['calls a missing v1beta1.metrics.k8s.io MetricsAPINotRegistered', { apiServices: { metrics: undefined } }, [HpaCause.MetricsAPINotRegistered]],
    ['calls an APIService with FailedDiscoveryCheck MetricsAPINotAvailable',
      { apiServices: { metrics: { ...available, available: 'False', reason: 'FailedDiscoveryCheck', message: 'failing or missing response from https://10.0.0.1:10250' } } },
      [HpaCause.MetricsAPINotAvailable]],
    ['calls an APIService pointing elsewhere MetricsAPIServedByOther', { expectedServices: { metrics: 'metricsstack-system/metrics-server' } },
      [HpaCause.MetricsAPIServedByOther]],
    ["does not call the operator's own APIService another's while it still points at the old backend (a handover)",
      { expectedServices: { metrics: 'monitoring/prometheus-adapter' }, apiServices: { metrics: { ...available, owner: 'default' } } }, []],
    ['calls an external metric served by KEDA for a plain HPA ExternalMetricsOwnedByOther',
      { hpa: hpa([{ type: 'External', external: { metric: { name: 'sqs' }, target: { type: 'Value', value: '5' } } }]),
        apiServices: { external: { name: 'v1beta1.external.metrics.k8s.io', service: { namespace: 'keda', name: 'keda-operator-metrics-apiserver' }, available: 'True' } } },
      [HpaCause.ExternalMetricsOwnedByOther]],
    ['accepts KEDA serving external metrics for a ScaledObject\'s HPA',
      { hpa: hpa([{ type: 'External', external: { metric: { name: 'sqs' }, target: { type: 'Value', value: '5' } } }], [], { labels: { 'scaledobject.keda.sh/name': 'web' } }),
        apiServices: { external: { name: 'v1beta1.external.metrics.k8s.io', service: { namespace: 'keda', name: 'keda-operator-metrics-apiserver' }, available: 'True' } } },
      []],
    ['calls a Pods metric no rule produces UnknownCustomMetric',
      { hpa: hpa([{ type: 'Pods', pods: { metric: { name: 'http_request_per_second' }, target: { type: 'AverageValue', averageValue: '10' } } }]),
        apiServices: { custom: { ...available, name: 'v1beta2.custom.metrics.k8s.io' } }, customMetricNames: ['http_requests_per_second'] },
      [HpaCause.UnknownCustomMetric]],
    ['calls pods on the Fargate node metrics-server runs on PodsOnMetricsServerFargateNode',
      { podNodes: ['fargate-ip-10-0-1-5'], metricsServer: { ownFargateNodes: ['fargate-ip-10-0-1-5'], unreachable: new Map() } },
      [HpaCause.PodsOnMetricsServerFargateNode]],
    ['names nodes metrics-server cannot verify PodsOnUnreachableNodes',
      { podNodes: ['n1', 'n2'], metricsServer: { ownFargateNodes: [], unreachable: new Map([['n2', 'x509: certificate is valid for n2-old, not n2']]) } },
      [HpaCause.PodsOnUnreachableNodes]],
    ['points at Cluster Autoscaler after 10 minutes at maxReplicas with Pending pods',
      { hpa: hpa([cpu], [{ type: 'ScalingLimited', status: 'True', reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count', lastTransitionTime: new Date('2026-12-02T11:30:00Z') }]),
        pendingPods: 3, clusterAutoscalerStatus: null },
      [HpaCause.ScaleOutBlockedPendingPods]],
    ['waits before blaming the cluster when the limit is recent',
      { hpa: hpa([cpu], [{ type: 'ScalingLimited', status: 'True', reason: 'TooManyReplicas', lastTransitionTime: new Date('2026-12-02T11:58:00Z') }]), pendingPods: 3 }, []],
    ['passes on an HPA failure no fact explains as HPAReportsFailure',
      { hpa: hpa([cpu], [{ type: 'ScalingActive', status: 'False', reason: 'InvalidMetricSourceType', message: 'the HPA was unable to compute the replica count' }]) },
      [HpaCause.HPAReportsFailure]],
  ];
  it.each(table)('%s', (_name, facts, expected) => {
    expect(causes(facts)).toEqual(expected);
  });

  it("names the container from the HPA's own message when the template cannot be read", () => {
    const h = hpa([cpu], [{ type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric',
      message: 'the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container sidecar of Pod web-1' }]);
    expect(first({ hpa: h, target: undefined })).toMatchObject({ cause: HpaCause.MissingResourceRequest, message: expect.stringContaining('container sidecar of Deployment shop/web') });
  });

  it('names every container lacking the request and the resource in the fix', () => {
    const f = first({ target: { ...target, containers: [{ name: 'app' }, { name: 'log-shipper' }] } });
    expect(f?.message).toContain('containers app, log-shipper of Deployment shop/web have no cpu request');
    expect(f?.fix).toContain('resources.requests.cpu on app, log-shipper');
  });

  it("carries the APIService's reason and message into the finding", () => {
    const f = first({ apiServices: { metrics: { ...available, available: 'False', reason: 'MissingEndpoints', message: 'endpoints for service/metrics-server in "kube-system" have no addresses' } } });
    expect(f?.message).toContain('MissingEndpoints: endpoints for service/metrics-server');
    expect(f?.fix).toContain("start kube-system/metrics-server's pods");
  });

  it('suggests the closest metric name the adapter lists', () => {
    expect(closest('http_request_per_second', ['http_requests_per_second', 'queue_depth'])).toBe('http_requests_per_second');
    expect(closest('completely_different', ['queue_depth'])).toBeUndefined();
  });
});
