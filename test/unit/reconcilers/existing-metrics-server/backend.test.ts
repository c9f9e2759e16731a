import type { V1APIService, V1Deployment, V1Node, V1Pod, V1Service } from '@kubernetes/client-node';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../../../src/api/v1alpha1/defaults.js';
import type { MetricsStack } from '../../../../src/api/v1alpha1/types.js';
import { ExistingMetricsServerBackend } from '../../../../src/reconcilers/existing-metrics-server/backend.js';
import type { KubeletTLSFactsSource } from '../../../../src/reconcilers/metrics-server/kubelet-tls/facts.js';
import { summarizeNodes } from '../../../../src/reconcilers/platform/node-facts.js';
import { StackContext } from '../../../../src/reconcilers/stack/context.js';

const stack: MetricsStack = { apiVersion: 'metricsstack.io/v1alpha1', kind: 'MetricsStack', metadata: { name: 'default', generation: 1 }, spec: {} };
const apiService: V1APIService = {
  metadata: { name: 'v1beta1.metrics.k8s.io' },
  spec: { service: { namespace: 'kube-system', name: 'metrics-server' }, groupPriorityMinimum: 100, versionPriority: 100 },
  status: { conditions: [{ type: 'Available', status: 'True', reason: 'Passed' }] },
};
const service: V1Service = { metadata: { name: 'metrics-server', namespace: 'kube-system' }, spec: { selector: { app: 'ms' } } };
const deployment: V1Deployment = {
  metadata: { name: 'metrics-server', namespace: 'kube-system', labels: { 'app.kubernetes.io/managed-by': 'Helm' },
    annotations: { 'meta.helm.sh/release-name': 'ms', 'meta.helm.sh/release-namespace': 'kube-system' } },
  spec: { selector: { matchLabels: { app: 'ms' } }, template: { metadata: { labels: { app: 'ms' } },
    spec: { containers: [{ name: 'metrics-server', args: ['--secure-port=10250', '--kubelet-insecure-tls'] }] } } },
};
const node = (name: string, fargate: boolean): V1Node => ({ metadata: { name, labels: fargate ? { 'eks.amazonaws.com/compute-type': 'fargate' } : {} as Record<string, string> },
  status: { addresses: [{ type: 'InternalIP', address: '10.0.1.1' }] } });

function run(listDeployments: () => Promise<V1Deployment[]>) {
  const calls: string[] = [];
  const backend = new ExistingMetricsServerBackend({
    readAPIService: async (name) => { calls.push(`get APIService ${name}`); return apiService; },
    readService: async (ns, name) => { calls.push(`get Service ${ns}/${name}`); return service; },
    listDeployments: async (ns) => { calls.push(`list Deployments ${ns}`); return listDeployments(); },
    listPods: async (ns, sel) => { calls.push(`list Pods ${ns} ${sel}`); return [{ spec: { nodeName: 'fargate-1' } } as V1Pod]; },
    kubeletTLS: { get: async () => ({ clusterCA: undefined, certs: undefined }) } as unknown as KubeletTLSFactsSource,
    listNodeMetrics: async () => { calls.push('list NodeMetrics'); return { items: 1, nodes: ['ec2-1'] }; },
  });
  const ctx = new StackContext(stack, withDefaults({ resourceMetrics: { provider: 'existing' } }), new Date(), pino({ level: 'silent' }));
  ctx.nodeFacts = summarizeNodes([node('ec2-1', false), node('fargate-1', true)]);
  return { backend, ctx, calls };
}

describe('ExistingMetricsServerBackend', () => {
  it('plans nothing: the operator deploys nothing for metrics.k8s.io', async () => {
    const { backend } = run(async () => [deployment]);
    expect(await backend.plan()).toEqual({ objects: [], adopt: false, adoptField: 'spec.resourceMetrics.provider' });
    expect(backend.apiServices()).toEqual([]);
  });

  it('GIVEN a Helm release whose pod runs on Fargate, THEN status names the release and the helm fixes, after reads only', async () => {
    const { backend, ctx, calls } = run(async () => [deployment]);
    await backend.verify(ctx);
    expect(calls).toEqual(['get APIService v1beta1.metrics.k8s.io', 'get Service kube-system/metrics-server', 'list Deployments kube-system',
      'list Pods kube-system app=ms', 'list NodeMetrics']);
    const existing = ctx.status.metricsServer?.existing;
    expect(existing).toMatchObject({ installer: 'Helm', release: 'ms', deployment: 'kube-system/metrics-server' });
    expect(existing?.findings?.map((f) => f.fix.split(' --reuse-values ')[1]?.split(' (')[0])).toEqual([
      expect.stringMatching(/^--set-json 'affinity=/), '--set containerPort=10251']);
    const c = ctx.status.conditions?.find((x) => x.type === 'MetricsAPIAvailable');
    expect(c).toMatchObject({ status: 'True', reason: 'MetricsAvailable' });
    expect(c?.message).toMatch(/^Served by Helm release "ms" in namespace kube-system \(Deployment kube-system\/metrics-server\): metrics.k8s.io answers with metrics for 1 of 2 nodes; no metrics for fargate-1 \(Fargate: metrics-server runs on this node/);
    // Handed to the HPA doctor, which runs after the backends (PodsOnUnreachableNodes).
    expect([...ctx.unscrapedNodes ?? []]).toEqual([['fargate-1', expect.stringMatching(/^Fargate: metrics-server runs on this node/)]]);
  });

  it('GIVEN Deployments cannot be listed (namespace not managed), THEN it says so instead of claiming the configuration fits', async () => {
    const { backend, ctx } = run(async () => { throw new Error('deployments.apps is forbidden'); });
    await backend.verify(ctx);
    const c = ctx.status.conditions?.find((x) => x.type === 'MetricsAPIAvailable');
    expect(c?.message).toContain('Its configuration was not checked: could not list Deployments in kube-system (deployments.apps is forbidden)');
    // Named from the APIService alone, which carries no Helm or eks mark here.
    expect(ctx.status.metricsServer?.existing?.installer).toBe('Manifests');
  });
});
