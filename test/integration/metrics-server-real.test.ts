import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMetricsServer, selectorLabels, type MetricsServerRenderInput } from '../../src/render/metrics-server/index.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { isFargate } from '../support/kwok-nodes.js';
import { runPod, type RunningPod } from '../support/pod-runner.js';
import { sleep } from '../support/procs.js';

// The real metrics-server binary as the pod of the rendered Deployment, reached by kube-apiserver's aggregator through
// APIService → Service → EndpointSlice → pod IP, exactly as in a cluster. No operator yet: the objects are applied as
// rendered (insecureSkipTLSVerify until the operator issues a serving certificate and caBundle).
const input: MetricsServerRenderInput = {
  name: 'metrics-server', namespace: 'kube-system', replicas: 1,
  image: 'registry.k8s.io/metrics-server/metrics-server:v0.9.0',
  resources: { requests: { cpu: '100m', memory: '200Mi' } },
  args: ['--cert-dir=/tmp', '--secure-port=10250', '--kubelet-preferred-address-types=InternalIP',
    '--kubelet-use-node-status-port', '--metric-resolution=15s', '--kubelet-insecure-tls'],
  securePort: 10250, insecureSkipTLSVerify: true,
  placement: { annotateEC2: true, avoidFargateAffinity: true },
};

describe('real metrics-server behind the aggregation layer', () => {
  let cluster: TestCluster;
  let core: CoreV1Api;
  let msPod: RunningPod | undefined;
  const t0 = Date.now();
  const mark = (what: string) => console.log(`[metrics-server-real] ${what} at +${((Date.now() - t0) / 1000).toFixed(1)} s`);

  /** Polls `check` (which returns a failure description, or undefined when satisfied) until it passes. */
  async function eventually(what: string, timeoutMs: number, check: () => Promise<string | undefined>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let last = await check(); last !== undefined; last = await check()) {
      if (Date.now() > deadline) throw new Error(`${what}: ${last}\nmetrics-server log:\n${msPod?.logs().split('\n').slice(-30).join('\n')}`);
      await sleep(1_000);
    }
    mark(what);
  }

  beforeAll(async () => {
    cluster = await startCluster({ preset: 'eks-mixed', name: 'ms-real', network: true });
    core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    mark('cluster ready');
  });
  afterAll(async () => {
    await msPod?.stop();
    await cluster?.stop();
  });

  it('runs the rendered Deployment\'s pod on an EC2 node with the real binary', async () => {
    const list = { apiVersion: 'v1', kind: 'List', items: renderMetricsServer(input) };
    const r = await cluster.kubectl(['apply', '--server-side', '--field-manager=metricsstack-test', '-f', '-'],
      { input: JSON.stringify(list) });
    expect(r.code, r.stderr).toBe(0);
    // metrics-server drops samples of exactly zero (a real kubelet never reports them), and kwok reports zero for any
    // pod without simulated usage: give kube-system's pods a baseline.
    await cluster.setClusterUsage('kube-system-baseline', { namespaces: ['kube-system'] }, { cpu: '5m', memory: '30Mi' });
    const selector = Object.entries(selectorLabels(input)).map(([k, v]) => `${k}=${v}`).join(',');
    let pod: V1Pod | undefined;
    await eventually('metrics-server pod Running', 60_000, async () => {
      pod = (await core.listNamespacedPod({ namespace: 'kube-system', labelSelector: selector })).items[0];
      return pod?.status?.phase === 'Running' && pod.status.podIP ? undefined : `pod: ${JSON.stringify(pod?.status)}`;
    });
    const node = await core.readNode({ name: pod!.spec!.nodeName! });
    expect(isFargate(node), `scheduled on ${node.metadata?.name}`).toBe(false);
    msPod = await runPod(cluster, { namespace: 'kube-system', podName: pod!.metadata!.name!,
      binary: join(cluster.binDir, 'metrics-server') });
    expect(msPod.ip).toMatch(/^10\.0\.(1[2-9][0-9]|2[0-5][0-9])\.\d+$/); // kwok's pod CIDR 10.0.128.0/17
    mark(`metrics-server started in netns ${msPod.netns} at ${msPod.ip}`);
  });

  // One pod per EC2 node (required anti-affinity; Fargate's taint keeps them off Fargate), so that every EC2 node has
  // usage: kwok's node figures are the sum of its pods', and a node without pods reports zero.
  const ns = 'web';
  it('runs a test Deployment with simulated usage (250m, 100Mi per pod)', async () => {
    const labels = { app: 'web' };
    await core.createNamespace({ body: { metadata: { name: ns } } });
    await cluster.kubeConfig.makeApiClient(AppsV1Api).createNamespacedDeployment({ namespace: ns, body: {
      metadata: { name: 'web' },
      spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: {
        affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: labels }, topologyKey: 'kubernetes.io/hostname' }] } },
        containers: [{ name: 'web', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '500m' } } }] } } },
    } });
    await eventually('web pods Running', 60_000, async () => {
      const pods = (await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=web' })).items;
      return pods.length === 2 && pods.every((p) => p.status?.phase === 'Running') ? undefined : 'not Running';
    });
    expect(await cluster.setPodUsage(ns, { labelSelector: 'app=web' }, { cpu: '250m', memory: '100Mi' })).toHaveLength(2);
  });

  it('APIService v1beta1.metrics.k8s.io becomes Available=True', async () => {
    await eventually('APIService Available', 90_000, async () => {
      const r = await cluster.kubectl(['get', 'apiservice', 'v1beta1.metrics.k8s.io', '-o', 'json']);
      const cond = (JSON.parse(r.stdout || '{}') as { status?: { conditions?: { type: string; status: string; message?: string }[] } })
        .status?.conditions?.find((c) => c.type === 'Available');
      return cond?.status === 'True' ? undefined : `Available=${cond?.status}: ${cond?.message}`;
    });
  }, 100_000);

  it('kubectl top nodes lists the EC2 nodes with figures', async () => {
    const ec2 = (await core.listNode()).items.filter((n) => !isFargate(n)).map((n) => n.metadata!.name!);
    expect(ec2).toHaveLength(2);
    await eventually('kubectl top nodes', 60_000, async () => {
      const r = await cluster.kubectl(['top', 'nodes', '--no-headers']);
      const rows = r.stdout.split('\n').map((l) => l.trim().split(/\s+/));
      // NAME CPU(cores) CPU(%) MEMORY(bytes) MEMORY(%): each node runs a web pod, so at least 250m and 100Mi.
      const ok = ec2.every((n) => rows.some(([name, cpu, , mem]) => name === n &&
        Number(/^(\d+)m$/.exec(cpu ?? '')?.[1]) >= 250 && Number(/^(\d+)Mi$/.exec(mem ?? '')?.[1]) >= 100));
      return ok ? undefined : `${r.stdout}${r.stderr}`;
    });
    console.log((await cluster.kubectl(['top', 'nodes'])).stdout);
  }, 70_000);

  it('kubectl top pods reports the simulated usage', async () => {
    // The rate is kwok's counter delta over metrics-server's own scrape timestamps: a few ms of skew reads as 251m.
    await eventually('kubectl top pods shows 250m', 60_000, async () => {
      const r = await cluster.kubectl(['top', 'pods', '-n', ns, '--no-headers']);
      const rows = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
      const ok = rows.length === 2 && rows.every(([, cpu, mem]) =>
        Math.abs(Number(/^(\d+)m$/.exec(cpu ?? '')?.[1]) - 250) <= 5 && mem === '100Mi');
      return ok ? undefined : `${r.stdout}${r.stderr}`;
    });
    console.log((await cluster.kubectl(['top', 'pods', '-A'])).stdout);
  }, 70_000);

  it('the pod host reaches only the suite subnet; the suite listens only on loopback and suite-made addresses', () => {
    // No default route in the pod's namespace: anything outside 10.0.0.0/16 is unreachable from it.
    expect(execFileSync('ip', ['-n', msPod!.netns, '-4', 'route', 'show'], { encoding: 'utf8' }).trim())
      .toMatch(/^10\.0\.0\.0\/16 dev eth0 [^\n]*$/);
    const ours = [process.pid, ...cluster.pids];
    const listeners = execFileSync('ss', ['-Hltnp'], { encoding: 'utf8' }).split('\n')
      .filter((l) => ours.some((pid) => l.includes(`pid=${pid},`)));
    expect(listeners.length).toBeGreaterThan(6);
    for (const l of listeners) expect(l.split(/\s+/)[3], l).toMatch(/^(127\.0\.0\.1|10\.0\.[0-3]\.\d+):\d+$/);
  });

  it('stop() removes the pod host, the bridge and every namespace', async () => {
    const { bridge, id } = cluster.network!;
    await msPod!.stop();
    await cluster.stop();
    expect(execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })).not.toMatch(new RegExp(`${bridge}|msve${id}`));
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(`msns${id}`);
    mark('stopped');
  });
});
