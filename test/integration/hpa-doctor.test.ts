import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppsV1Api, AutoscalingV2Api, CoreV1Api, type V1Container, type V2MetricSpec } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { installCrd } from '../support/crd.js';
import { OperatorRunner, type OperatorProcess } from '../support/operator.js';
import { runPod, type RunningPod } from '../support/pod-runner.js';
import { condition, stackApi, until } from '../support/stacks.js';

// The HPA doctor against the real controller-manager's HPA controller: the operator deploys metrics-server (the real
// binary runs its pods), and three HPAs break in three ways. The HPA controller's own conditions
// ("missing request for cpu", FailedGetScale) and the cluster's facts must give the verdict; Ready must not move.
const NS = 'shop';
const cpu: V2MetricSpec = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } };
const rps: V2MetricSpec = { type: 'Pods', pods: { metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: '10' } } };

describe('the HPA doctor in the operator, on the real HPA controller', () => {
  let cluster: TestCluster;
  let core: CoreV1Api;
  let stacks: ReturnType<typeof stackApi>;
  let op: OperatorProcess;
  const runner = new OperatorRunner();
  const pods: RunningPod[] = [];

  const deployment = (name: string, containers: V1Container[]) => cluster.kubeConfig.makeApiClient(AppsV1Api).createNamespacedDeployment({
    namespace: NS,
    body: { metadata: { name }, spec: { replicas: 1, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers } } } },
  });
  const hpa = (name: string, target: string, metrics: V2MetricSpec[]) => cluster.kubeConfig.makeApiClient(AutoscalingV2Api).createNamespacedHorizontalPodAutoscaler({
    namespace: NS,
    body: { metadata: { name }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, minReplicas: 1, maxReplicas: 3, metrics } },
  });
  const warnings = async (name: string) => (await core.listNamespacedEvent({ namespace: NS, fieldSelector: `involvedObject.name=${name},type=Warning` }))
    .items.filter((e) => e.source?.component === 'metricsstack-operator');
  const causes = async () => (await stacks.get('default')).status?.workloadAutoscaling;

  beforeAll(async () => {
    cluster = await startCluster({ preset: 'eks-mixed', name: 'hpa-doc', network: true });
    core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    stacks = stackApi(cluster.kubeConfig);
    await installCrd(cluster);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    // metrics-server drops samples of exactly zero; kwok reports zero for pods without simulated usage.
    await cluster.setClusterUsage('baseline', { namespaces: ['kube-system', NS] }, { cpu: '20m', memory: '30Mi' });
    op = await runner.start(cluster.kubeconfigPath, 'op', ['--leader-elect', 'false', '--resync-period', '10s']);
    expect((await cluster.kubectl(['apply', '-f', 'examples/metricsstack.yaml'])).code).toBe(0);
    let running: string[] = [];
    await until('2 metrics-server pods Running', async () => {
      const list = (await core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=metrics-server' })).items;
      running = list.filter((p) => p.status?.phase === 'Running' && p.status.podIP && !p.metadata?.deletionTimestamp).map((p) => p.metadata!.name!);
      return running.length === 2;
    }, 60_000);
    for (const p of running) pods.push(await runPod(cluster, { namespace: 'kube-system', podName: p, binary: join(cluster.binDir, 'metrics-server') }));
    await until('Ready=True', async () => condition(await stacks.get('default'), 'Ready')?.status === 'True', 120_000);

    await deployment('web', [{ name: 'app', image: 'registry.example/app:1', resources: { requests: { cpu: '100m' } } },
      { name: 'log-shipper', image: 'registry.example/shipper:1' }]);
    await hpa('web', 'web', [cpu]);
    await hpa('ghost', 'does-not-exist', [cpu]);
    await deployment('api', [{ name: 'api', image: 'registry.example/api:1', resources: { requests: { cpu: '100m' } } }]);
    await hpa('api', 'api', [rps]);
  }, 240_000);
  afterAll(async () => {
    for (const p of pods) await p.stop();
    await runner.stop();
    await cluster?.stop();
  });

  it("names the sidecar without a CPU request once the HPA controller reports 'missing request for cpu'", async () => {
    const h = cluster.kubeConfig.makeApiClient(AutoscalingV2Api);
    await until('the HPA controller to report missing request for cpu', async () => {
      const c = (await h.readNamespacedHorizontalPodAutoscaler({ namespace: NS, name: 'web' })).status?.conditions?.find((x) => x.type === 'ScalingActive');
      return c?.reason === 'FailedGetResourceMetric' && /missing request for cpu/.test(c.message ?? '');
    }, 90_000);
    await until('the summary to name web', async () => (await causes())?.causes.some((c) => c.cause === 'MissingResourceRequest' && c.hpas.includes(`${NS}/web`)) ?? false);
    const s = await causes();
    expect(s?.causes.find((c) => c.cause === 'MissingResourceRequest')).toMatchObject({ count: 1, hpas: [`${NS}/web`],
      example: expect.stringContaining('container log-shipper of Deployment shop/web has no cpu request') });
  }, 100_000);

  it('calls an HPA on a Deployment that does not exist TargetMissing', async () => {
    await until('ghost in the summary', async () => (await causes())?.causes.some((c) => c.cause === 'TargetMissing' && c.hpas.includes(`${NS}/ghost`)) ?? false);
  });

  it('calls a Pods metric without custom.metrics.k8s.io MetricsAPINotRegistered', async () => {
    await until('api in the summary', async () =>
      (await causes())?.causes.some((c) => c.cause === 'MetricsAPINotRegistered' && c.hpas.includes(`${NS}/api`)) ?? false);
    expect(await causes()).toMatchObject({ hpas: 3, healthy: 0 });
  });

  it('leaves Ready True: per-HPA problems are reported beside it', async () => {
    expect(condition(await stacks.get('default'), 'Ready')).toMatchObject({ status: 'True' });
  });

  it('writes one Warning Event per HPA and cause, not one per pass', async () => {
    await until('the three Events', async () => (await warnings('web')).length > 0 && (await warnings('ghost')).length > 0 && (await warnings('api')).length > 0);
    const before = await op.reconciles();
    await until('two more passes', async () => (await op.reconciles()) >= before + 2, 40_000);
    const web = await warnings('web');
    expect(web.map((e) => [e.reason, e.count])).toEqual([['MissingResourceRequest', 1]]);
    expect(web[0]?.message).toMatch(/log-shipper.*Fix: set resources\.requests\.cpu on log-shipper/);
    expect((await warnings('ghost')).map((e) => [e.reason, e.count])).toEqual([['TargetMissing', 1]]);
    expect((await warnings('api')).map((e) => [e.reason, e.count])).toEqual([['MetricsAPINotRegistered', 1]]);
  }, 60_000);

  it('exports a gauge per HPA and cause on /metrics', async () => {
    const text = await (await fetch(op.metricsUrl)).text();
    expect(text).toContain(`metricsstack_hpa_finding{namespace="${NS}",hpa="web",cause="MissingResourceRequest"} 1`);
    expect(text).toContain(`metricsstack_hpa_finding{namespace="${NS}",hpa="ghost",cause="TargetMissing"} 1`);
    expect(text).toContain(`metricsstack_hpa_finding{namespace="${NS}",hpa="api",cause="MetricsAPINotRegistered"} 1`);
  });

  it('kubectl metricsstack doctor, run with the same kubeconfig, gives the same root causes and exits 1', async () => {
    const run = (args: string[]) => promisify(execFile)(process.execPath, ['dist/kubectl-metricsstack.js', 'doctor', '--kubeconfig', cluster.kubeconfigPath, ...args])
      .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e);
    const json = await run(['-o', 'json']);
    expect(json.code, json.stderr).toBe(1);
    const report = JSON.parse(json.stdout) as { hpas: { namespace: string; name: string; findings: { cause: string }[] }[] };
    const plugin = report.hpas.map((v) => [`${v.namespace}/${v.name}`, v.findings[0]?.cause]).sort();
    const status = (await causes())!.causes.flatMap((c) => c.hpas.map((h) => [h, c.cause])).sort();
    expect(plugin).toEqual(status);
    expect(plugin).toEqual([[`${NS}/api`, 'MetricsAPINotRegistered'], [`${NS}/ghost`, 'TargetMissing'], [`${NS}/web`, 'MissingResourceRequest']]);
    const table = await run([]);
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/^OBJECT +CAUSE\nhpa shop\/api +MetricsAPINotRegistered\n/);
    console.log(table.stdout);
  });
});
