import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppsV1Api, CoordinationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { CHART, clusterTool } from '../support/helm.js';
import { exportedImage, imageValues } from '../support/image.js';
import { leaderTerms, overlappingTerms, type LeaderTerm } from '../support/leadership.js';
import type { RunningPod } from '../support/pod-runner.js';
import { PodSupervisor } from '../support/pod-supervisor.js';
import { condition, stackApi, until } from '../support/stacks.js';

// The way users run it: `helm install` of charts/metricsstack-operator with the image `make image` built from the
// Dockerfile. kwok schedules the chart's two pods; the pod runner starts each from the image's filesystem, as the
// chart's uid, with its args, downward-API env, ServiceAccount token, read-only root and probes
// (test/support/pod-image.ts). The real metrics-server runs the pods the operator deploys.
const NS = 'metricsstack-system';
const RELEASE = 'metricsstack-operator';
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

describe('end to end: helm install → the image runs as the operator pods → examples/metricsstack.yaml Ready', () => {
  const image = exportedImage();
  let cluster: TestCluster;
  let helm: ReturnType<typeof clusterTool>;
  let operators: PodSupervisor;
  let metricsServers: PodSupervisor;
  const stacks = () => stackApi(cluster.kubeConfig);
  const seen = new Map<string, RunningPod>(); // every operator process, for its log after it stopped
  const killedAt = new Map<string, number>();
  const running = async () => { const r = await operators.running(); for (const p of r) seen.set(p.name, p); return r.filter((p) => !p.proc.exited); };
  const holder = async () => (await cluster.kubeConfig.makeApiClient(CoordinationV1Api)
    .readNamespacedLease({ namespace: NS, name: RELEASE }).catch(() => undefined))?.spec?.holderIdentity;
  const terms = (): LeaderTerm[] => [...seen.values()].flatMap((p) => leaderTerms(p.name, p.logs(), killedAt.get(p.name) ?? operators.stoppedAt(p.name)));
  const tails = () => [...seen.values()].map((p) => `--- ${p.name}\n${p.logs().split('\n').slice(-8).join('\n')}`).join('\n');
  const ready = async () => condition(await stacks().get('default'), 'Ready')?.status === 'True';
  const leaderMetric = async (p: RunningPod) => /^metricsstack_leader (\d)$/m.exec(await (await fetch(`http://${p.ip}:8080/metrics`)).text())?.[1];

  /** A managed object only a leading operator puts back: proof that someone reconciles. */
  async function reconciled(by: string): Promise<void> {
    const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    await core.deleteNamespacedService({ namespace: 'kube-system', name: 'metrics-server' });
    await until(`the metrics-server Service restored (${by})`, async () =>
      !!(await core.readNamespacedService({ namespace: 'kube-system', name: 'metrics-server' }).catch(() => undefined)), 30_000)
      .catch((err: Error) => { throw new Error(`${err.message}\n${tails()}`); });
  }

  beforeAll(async () => {
    cluster = await startCluster({ preset: 'eks-mixed', name: 'e2e-chart', network: true });
    helm = clusterTool(cluster, 'helm');
    const kubectl = clusterTool(cluster, 'kubectl');
    // Pod Security "restricted", as a careful user sets it: the chart's pods must be admitted under it.
    await kubectl('create', 'namespace', NS);
    // The chart's Roles go into every managedNamespaces entry (default kube-system, monitoring), which must exist.
    await kubectl('create', 'namespace', 'monitoring');
    await kubectl('label', 'namespace', NS, 'pod-security.kubernetes.io/enforce=restricted');
    await cluster.setClusterUsage('kube-system-baseline', { namespaces: ['kube-system'] }, { cpu: '5m', memory: '30Mi' });
    operators = new PodSupervisor(cluster, { namespace: NS, labelSelector: `app.kubernetes.io/instance=${RELEASE}`, run: { image } }).start();
    metricsServers = new PodSupervisor(cluster, { namespace: 'kube-system', labelSelector: 'k8s-app=metrics-server',
      run: { binary: join(cluster.binDir, 'metrics-server') } }).start();
  });
  afterAll(async () => {
    await operators?.stop();
    await metricsServers?.stop();
    await cluster?.stop();
  });

  it('installs the chart with the image; both pods run it as uid 65532, read-only, with the chart\'s args, env and token', async () => {
    await helm('install', RELEASE, CHART, '-n', NS, ...imageValues(image), '--wait', '--timeout', '90s');
    await until('2 operator pods running', async () => (await running()).length === 2, 60_000);
    const deployment = await cluster.kubeConfig.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: NS, name: RELEASE });
    const args = deployment.spec!.template.spec!.containers[0]!.args!;
    for (const p of await running()) {
      const proc = (f: string) => readFileSync(`/proc/${p.proc.pid}/${f}`, 'utf8');
      expect(proc('cmdline').split('\0').filter(Boolean), p.name).toEqual([...image.entrypoint, ...args]);
      expect(proc('status')).toMatch(/^Uid:\s+65532\s+65532\s+65532\s+65532$/m);
      expect(proc('status')).toMatch(/^Gid:\s+65532\s+65532\s+65532\s+65532$/m);
      expect(proc('status')).toMatch(/^NoNewPrivs:\s+1$/m);
      expect(proc('status')).toMatch(/^CapEff:\s+0+$/m);
      expect(proc('environ').split('\0')).toEqual(expect.arrayContaining([`POD_NAME=${p.name}`, `POD_NAMESPACE=${NS}`, 'NODE_ENV=production']));
      const mounts = proc('mountinfo').split('\n').map((l) => l.split(' ')).map((f) => ({ at: f[4], opts: f[5] }));
      expect(mounts.find((m) => m.at === '/')?.opts).toMatch(/^ro\b/);
      expect(mounts.find((m) => m.at === SA_DIR)?.opts).toMatch(/^ro\b/);
      for (const f of ['token', 'ca.crt', 'namespace']) expect(readFileSync(`/proc/${p.proc.pid}/root${SA_DIR}/${f}`, 'utf8')).not.toBe('');
      await until(`${p.name} answers its probes`, async () => await p.probe('livenessProbe') === 200 && await p.probe('readinessProbe') === 200, 30_000);
    }
  }, 120_000);

  it('one replica leads and reconciles examples/metricsstack.yaml to Ready with real metrics-server pods', async () => {
    await until('a leader on the Lease', async () => { const h = await holder(); return (await running()).some((p) => p.name === h); }, 30_000);
    const leader = await holder();
    for (const p of await running()) expect(await leaderMetric(p), p.name).toBe(p.name === leader ? '1' : '0');
    expect((await clusterTool(cluster, 'kubectl')('apply', '-f', 'examples/metricsstack.yaml'))).toMatch(/created/);
    await until('Ready=True', ready, 150_000).catch((err: Error) => { throw new Error(`${err.message}\n${tails()}`); });
    expect((await metricsServers.running()).length).toBe(2);
    expect(condition(await stacks().get('default'), 'MetricsAPIAvailable')).toMatchObject({ status: 'True', reason: 'MetricsAvailable' });
  }, 200_000);

  it('kill -9 of the leader\'s process: the other replica takes the Lease and reconciles', async () => {
    const old = await holder();
    const victim = (await running()).find((p) => p.name === old)!;
    expect(victim, `the Lease holder ${old}`).toBeDefined();
    killedAt.set(victim.name, Date.now());
    process.kill(victim.proc.pid, 'SIGKILL');
    const t0 = Date.now();
    await until('the standby to take the Lease', async () => { const h = await holder(); return !!h && h !== old; }, 40_000);
    console.log(`[e2e] ${await holder()} took over ${((Date.now() - t0) / 1000).toFixed(1)} s after kill -9 of ${old}`);
    await reconciled('by the new leader');
    expect(overlappingTerms(terms())).toEqual([]);
  }, 120_000);

  it('helm upgrade with a changed value rolls both pods, never with two leaders acting at once', async () => {
    const before = new Set((await running()).map((p) => p.name));
    await helm('upgrade', RELEASE, CHART, '-n', NS, '--reuse-values', '--set', 'logLevel=debug', '--wait', '--timeout', '90s');
    await until('2 new pods running, the old ones stopped', async () => {
      const now = await running();
      return now.length === 2 && now.every((p) => !before.has(p.name));
    }, 90_000);
    await until('a new pod leading', async () => {
      const h = await holder();
      return !!h && !before.has(h) && (await running()).some((p) => p.name === h);
    }, 40_000);
    await reconciled('after the upgrade');
    await until('Ready=True after the upgrade', ready, 60_000);
    const all = terms();
    expect(all.filter((t) => !before.has(t.pod)).length).toBeGreaterThan(0);
    expect(overlappingTerms(all)).toEqual([]);
  }, 180_000);

  it('helm uninstall stops the operator and leaves the MetricsStack, what it manages, and the CRD', async () => {
    await helm('uninstall', RELEASE, '-n', NS, '--wait', '--timeout', '90s');
    await until('no operator process left', async () => (await running()).length === 0, 60_000);
    const kubectl = clusterTool(cluster, 'kubectl');
    const stack = await stacks().get('default');
    expect(stack.metadata?.finalizers?.length).toBeGreaterThan(0);
    expect(await kubectl('get', 'crd', 'metricsstacks.metricsstack.io', '-o', 'name')).toMatch(/metricsstacks/);
    expect(await kubectl('get', 'deployment,service', '-n', 'kube-system', 'metrics-server', '-o', 'name')).toMatch(/deployment.*\n.*service/s);
    // Still serving: the metrics pipeline does not depend on the operator running.
    await until('node metrics listed without the operator', async () =>
      (JSON.parse(await kubectl('get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes')) as { items: unknown[] }).items.length > 0, 60_000);
    expect(await kubectl('get', 'lease', '-n', NS, '-o', 'name')).toBe('');
  }, 120_000);

  it('installed again, the operator takes the MetricsStack back; deleting it then removes what it made (deletionPolicy Delete)', async () => {
    await helm('install', RELEASE, CHART, '-n', NS, ...imageValues(image), '--wait', '--timeout', '90s');
    await until('a leader again', async () => (await running()).length === 2 && !!(await holder()), 60_000);
    await reconciled('after the reinstall');
    const kubectl = clusterTool(cluster, 'kubectl');
    await kubectl('delete', 'metricsstack', 'default', '--wait', '--timeout=60s');
    expect(await kubectl('get', 'deploy,svc,sa,secret,apiservice', '-A', '-l', 'app.kubernetes.io/managed-by=metricsstack-operator', '-o', 'name')).toBe('');
    await helm('uninstall', RELEASE, '-n', NS, '--wait', '--timeout', '90s');
    expect(await kubectl('get', 'crd', 'metricsstacks.metricsstack.io', '-o', 'name')).toMatch(/metricsstacks/);
    expect(overlappingTerms(terms())).toEqual([]);
  }, 150_000);
});
