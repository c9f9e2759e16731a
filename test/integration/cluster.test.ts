import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { AppsV1Api, CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { KUBE_VERSION } from '../support/cluster-args.js';
import { metricValue } from '../support/kwok.js';
import { FARGATE_TAINT, isFargate, presetNodes } from '../support/kwok-nodes.js';
import { sleep } from '../support/procs.js';

// The test environment itself: a real control plane with kwok's EKS-shaped nodes, on 127.0.0.1 only.
describe('test cluster (etcd, kube-apiserver, controller-manager, scheduler, kwok)', () => {
  let cluster: TestCluster;
  let core: CoreV1Api;
  const ns = 'cluster-test';

  beforeAll(async () => {
    cluster = await startCluster({ preset: 'eks-mixed', name: 'cluster-test' });
    core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    console.log(`cluster start-up: ${(cluster.startupMs / 1000).toFixed(1)} s`);
  });
  afterAll(async () => { await cluster?.stop(); });

  it('starts well under a minute and listens on loopback only', () => {
    expect(cluster.startupMs).toBeLessThan(60_000);
    expect(cluster.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    // Every listening socket of every component (ss: iproute2, which the suite needs for netns anyway).
    const ours = execFileSync('ss', ['-Hltnp'], { encoding: 'utf8' }).split('\n')
      .filter((l) => cluster.pids.some((pid) => l.includes(`pid=${pid},`)));
    expect(ours.length).toBeGreaterThanOrEqual(6);
    for (const l of ours) expect(l.split(/\s+/)[3], l).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it(`serves Kubernetes ${KUBE_VERSION}`, async () => {
    const r = await cluster.kubectl(['version', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout) as { clientVersion: { gitVersion: string }; serverVersion: { gitVersion: string } };
    expect(v.serverVersion.gitVersion).toBe(KUBE_VERSION);
    expect(v.clientVersion.gitVersion).toBe(KUBE_VERSION);
  });

  it('has the aggregation layer configured (seed 000)', async () => {
    const cm = await core.readNamespacedConfigMap({ namespace: 'kube-system', name: 'extension-apiserver-authentication' });
    expect(cm.data?.['requestheader-client-ca-file']).toContain('BEGIN CERTIFICATE');
    expect(JSON.parse(cm.data?.['requestheader-allowed-names'] ?? '[]')).toEqual(['front-proxy-client']);
    expect(JSON.parse(cm.data?.['requestheader-username-headers'] ?? '[]')).toEqual(['X-Remote-User']);
    expect(cm.data?.['requestheader-extra-headers-prefix']).toContain('X-Remote-Extra-');
  });

  it('has Ready EKS-shaped EC2 and Fargate nodes', async () => {
    const nodes = (await core.listNode()).items;
    const ec2 = nodes.filter((n) => !isFargate(n));
    const fargate = nodes.filter(isFargate);
    expect(ec2).toHaveLength(2);
    expect(fargate).toHaveLength(3);
    for (const n of ec2) {
      expect(n.metadata?.name).toMatch(/^ip-10-0-\d+-\d+\.ec2\.internal$/);
      expect(n.spec?.providerID).toMatch(/^aws:\/\/\/us-east-1[a-z]\/i-0[0-9a-f]+$/);
      expect(n.metadata?.labels).toMatchObject({ 'eks.amazonaws.com/nodegroup': 'ng-1',
        'eks.amazonaws.com/capacityType': 'ON_DEMAND', 'node.kubernetes.io/instance-type': 'm5.large',
        'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' });
      expect(n.status?.allocatable).toMatchObject({ cpu: '2', memory: '8Gi', pods: '110' });
    }
    for (const n of fargate) {
      expect(n.metadata?.name).toMatch(/^fargate-ip-10-0-\d+-\d+\.ec2\.internal$/);
      expect(n.spec?.providerID).toMatch(new RegExp(`^aws:///us-east-1[a-z]/[0-9a-f-]+/${n.metadata?.name}$`));
      expect(n.spec?.taints).toContainEqual(expect.objectContaining(FARGATE_TAINT));
    }
    for (const n of nodes) expect(n.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('eks-fargate-only is Fargate nodes only (seed 001)', () => {
    const nodes = presetNodes('eks-fargate-only');
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.every(isFargate)).toBe(true);
  });

  let pods: V1Pod[] = [];
  it('schedules a Deployment onto kwok EC2 nodes and runs its pods', async () => {
    await core.createNamespace({ body: { metadata: { name: ns } } });
    const labels = { app: 'web' };
    await cluster.kubeConfig.makeApiClient(AppsV1Api).createNamespacedDeployment({ namespace: ns, body: {
      metadata: { name: 'web' },
      spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: {
        containers: [{ name: 'web', image: 'registry.k8s.io/pause:3.10',
          resources: { requests: { cpu: '100m', memory: '64Mi' } } }] } } },
    } });
    const deadline = Date.now() + 60_000;
    for (;;) {
      pods = (await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=web' })).items;
      if (pods.length === 2 && pods.every((p) => p.status?.phase === 'Running')) break;
      if (Date.now() > deadline) throw new Error(`pods not Running: ${JSON.stringify(pods.map((p) => p.status))}`);
      await sleep(500);
    }
    for (const p of pods) {
      expect(p.spec?.nodeName).toMatch(/^ip-10-0-/); // the Fargate taint keeps ordinary pods off Fargate nodes
      expect(p.status?.podIP).toMatch(/^10\.0\.\d+\.\d+$/);
    }
  });

  it('shows simulated usage changes at kwok\'s kubelet metrics endpoint', async () => {
    const [pod, other] = pods.map((p) => ({ name: p.metadata!.name!, node: p.spec!.nodeName! }));
    if (!pod || !other) throw new Error('needs the Deployment test');
    const memoryOf = async (p: { name: string; node: string }) =>
      metricValue(await cluster.nodeMetrics(p.node), 'pod_memory_working_set_bytes', { namespace: ns, pod: p.name });
    const eventually = async (p: { name: string; node: string }, bytes: number) => {
      const deadline = Date.now() + 20_000;
      while ((await memoryOf(p)) !== bytes) {
        if (Date.now() > deadline) throw new Error(`${p.name}: memory ${await memoryOf(p)}, want ${bytes}`);
        await sleep(250);
      }
    };
    await cluster.setClusterUsage('cluster-test-default', { namespaces: [ns] }, { cpu: '10m', memory: '10Mi' });
    await eventually(other, 10 * 2 ** 20);
    await cluster.setPodUsage(ns, pod.name, { cpu: '250m', memory: '100Mi' });
    await eventually(pod, 100 * 2 ** 20);
    expect(await cluster.setPodUsage(ns, { labelSelector: 'app=web' }, { cpu: '500m', memory: '200Mi' })).toHaveLength(2);
    await eventually(pod, 200 * 2 ** 20);
    await eventually(other, 200 * 2 ** 20);
    const nodeText = await cluster.nodeMetrics(pod.node);
    expect(metricValue(nodeText, 'node_memory_working_set_bytes')).toBeGreaterThanOrEqual(200 * 2 ** 20);
    expect(metricValue(nodeText, 'pod_cpu_usage_seconds_total', { namespace: ns, pod: pod.name })).toBeGreaterThan(0);
  });

  it('stop() ends every process it started and removes its folder, idempotently', async () => {
    const { pids, dir } = cluster;
    await cluster.stop();
    await cluster.stop();
    for (const pid of pids) expect(() => process.kill(pid, 0), `pid ${pid} still alive`).toThrow();
    if (process.env.METRICSSTACK_KEEP_CLUSTER !== '1') expect(existsSync(dir)).toBe(false);
    let leftovers = '';
    try { leftovers = execFileSync('pgrep', ['-af', dir], { encoding: 'utf8' }); } catch { /* exit 1: none */ }
    expect(leftovers).toBe('');
  });
});
