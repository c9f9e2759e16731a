/**
 * The pieces `make demo` (hack/demo.ts) adds for the Fargate story: a pod on each Fargate node, as EKS's
 * fargate-scheduler makes them, so that the nodes' simulated kubelets report non-zero usage (metrics-server drops a
 * node whose CPU or memory reads 0); and the moto view of the EKS cluster and its Fargate profiles the demo prints.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEks, startDemoAws, type DemoAws } from '../../hack/demo-aws.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { runOnFargateNodes } from '../support/fargate-pods.js';
import { metricValue } from '../support/kwok.js';
import { FARGATE_LABEL, isFargate } from '../support/kwok-nodes.js';
import type { Moto } from '../support/moto.js';
import { until } from '../support/stacks.js';

describe('Fargate nodes with their pods (eks-mixed)', () => {
  let cluster: TestCluster;
  let fargateNodes: string[];
  const nodeUsage = async (node: string) => {
    const text = await cluster.nodeMetrics(node);
    return { cpu: metricValue(text, 'node_cpu_usage_seconds_total') ?? 0, memory: metricValue(text, 'node_memory_working_set_bytes') ?? 0 };
  };

  beforeAll(async () => {
    cluster = await startCluster({ preset: 'eks-mixed', name: 'demo-support' });
    fargateNodes = (await cluster.kubeConfig.makeApiClient(CoreV1Api).listNode()).items.filter(isFargate).map((n) => n.metadata!.name!).sort();
  });
  afterAll(async () => { await cluster?.stop(); });

  it('a Fargate node without a pod reports zero usage, which metrics-server would drop', async () => {
    expect(fargateNodes).toHaveLength(3);
    expect(await nodeUsage(fargateNodes[0]!)).toEqual({ cpu: 0, memory: 0 });
  });

  it('binds one Running pod to each Fargate node, and each node then reports its pod\'s usage', async () => {
    const placed = await runOnFargateNodes(cluster.kubeConfig, { namespace: 'default', name: 'checkout', labels: { compute: 'fargate' }, profile: 'fp-default' });
    expect([...placed.values()].sort()).toEqual(fargateNodes);
    await cluster.setClusterUsage('checkout', { namespaces: ['default'] }, { cpu: '120m', memory: '300Mi' });
    const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    await until('checkout pods Running', async () =>
      (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=checkout' })).items.filter((p) => p.status?.phase === 'Running').length === 3);
    const pod = await core.readNamespacedPod({ namespace: 'default', name: 'checkout-1' });
    expect(pod.spec?.nodeName).toBe(fargateNodes[0]);
    expect(pod.metadata?.labels).toMatchObject({ compute: 'fargate' });
    expect(pod.metadata?.annotations?.[FARGATE_LABEL.key]).toBe('fargate');
    for (const node of fargateNodes) {
      // kwok picks the ClusterResourceUsage up through its informer, so the first scrapes may still read 0.
      await until(`${node} memory is its pod's`, async () => (await nodeUsage(node)).memory === 300 * 1024 * 1024, 20_000);
      // The CPU counter accumulates 0.12 core-seconds per second from then on: it must grow (metrics-server needs > 0).
      const first = await nodeUsage(node);
      await until(`${node} CPU counter grows`, async () => (await nodeUsage(node)).cpu > first.cpu, 10_000);
    }
  });
});

describe('the demo\'s AWS side (moto)', () => {
  let moto: Moto | undefined;
  let aws: DemoAws;
  beforeAll(async () => { aws = await startDemoAws((m) => (moto = m)); });
  afterAll(async () => { await moto?.stop(); });

  it('shows the EKS cluster with its OIDC issuer and marks the profile that selects metrics-server\'s pods', async () => {
    const lines = await describeEks(aws, { namespace: 'kube-system', labels: { 'k8s-app': 'metrics-server' } });
    expect(lines[0]).toBe(`EKS cluster demo (us-east-1): ACTIVE, OIDC issuer ${aws.seed.issuerUrl}`);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}Fargate profile fp-default +ACTIVE +selectors: namespace default, compute=fargate$/),
      expect.stringMatching(/^ {2}Fargate profile fp-kube-system +ACTIVE +selectors: namespace kube-system +<- selects metrics-server's pods/),
    ]);
  });

  it('marks no profile for a pod outside every selector', async () => {
    const lines = await describeEks(aws, { namespace: 'default', labels: { 'k8s-app': 'metrics-server' } });
    expect(lines.filter((l) => l.includes('<- selects'))).toEqual([]);
  });
});
