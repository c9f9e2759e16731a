/**
 * Switching spec.resourceMetrics.provider between metrics-server and prometheus-adapter on the local control plane.
 * The APIService v1beta1.metrics.k8s.io must never disappear and must keep pointing at the old backend until the new
 * backend's pods are ready; only then is it repointed, and only after that is the old backend removed. No real server
 * runs here (kwok pods), so a watcher records the APIService and both Deployments every 100 ms and the test asserts
 * on that history. A ResourceQuota of zero pods holds the new backend's pods back for as long as the test needs.
 */
import { AppsV1Api, CoreV1Api, type V1APIService } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { installCrd } from '../support/crd.js';
import { OperatorRunner } from '../support/operator.js';
import { condition, stackApi, until } from '../support/stacks.js';

const PROMETHEUS_URL = 'http://10.0.0.1:9'; // no route here (offline.sh): the adapter's conditions say PrometheusUnreachable
const RESOURCE_RULES = {
  cpu: { containerQuery: 'sum(rate(container_cpu_usage_seconds_total{<<.LabelMatchers>>}[3m])) by (<<.GroupBy>>)', nodeQuery: 'sum(rate(node_cpu_seconds_total{<<.LabelMatchers>>,mode!="idle"}[3m])) by (<<.GroupBy>>)', resources: { overrides: { node: { resource: 'node' }, namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } } },
  memory: { containerQuery: 'sum(container_memory_working_set_bytes{<<.LabelMatchers>>}) by (<<.GroupBy>>)', nodeQuery: 'sum(node_memory_MemTotal_bytes{<<.LabelMatchers>>} - node_memory_MemAvailable_bytes{<<.LabelMatchers>>}) by (<<.GroupBy>>)', resources: { overrides: { node: { resource: 'node' }, namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } } },
  window: '3m',
};
const HTTPD_RULE = {
  seriesQuery: 'httpd_requests_total{namespace!="",pod!=""}',
  resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
  name: { matches: '^(.*)_total$', as: '${1}_per_second' },
  metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)',
};

/** One observation: where the APIService points (or `absent`), and which backend Deployments exist. */
interface Sample { at: number; service: string; metricsServer: boolean; adapter: boolean }

let cluster: TestCluster;
let core: CoreV1Api;
let apps: AppsV1Api;
let stacks: ReturnType<typeof stackApi>;
const runner = new OperatorRunner();
const history: Sample[] = [];
let watching = true;

const exists = (p: Promise<unknown>) => p.then(() => true, () => false);
const apiService = async (): Promise<V1APIService | undefined> => {
  const r = await cluster.kubectl(['get', 'apiservice', 'v1beta1.metrics.k8s.io', '-o', 'json']);
  return r.code === 0 ? JSON.parse(r.stdout) as V1APIService : undefined;
};
const serviceOf = (a: V1APIService | undefined) => (a ? `${a.spec?.service?.namespace}/${a.spec?.service?.name}` : 'absent');
const deploymentExists = (namespace: string, name: string) => exists(apps.readNamespacedDeployment({ namespace, name }));
const holdPods = (namespace: string) => core.createNamespacedResourceQuota({ namespace, body: { metadata: { name: 'hold' }, spec: { hard: { pods: '0' } } } });
const releasePods = (namespace: string) => core.deleteNamespacedResourceQuota({ namespace, name: 'hold' });
const metricsAPI = async () => condition(await stacks.get('default'), 'MetricsAPIAvailable');
async function patch(ops: object[]): Promise<void> {
  const r = await cluster.kubectl(['patch', 'metricsstack', 'default', '--type=json', '-p', JSON.stringify(ops)]);
  if (r.code !== 0) throw new Error(`kubectl patch: ${r.stderr}`);
}
/** The distinct APIService targets in order of appearance, e.g. ['kube-system/metrics-server', 'monitoring/prometheus-adapter']. */
const targets = () => history.map((s) => s.service).filter((s, i, all) => i === 0 || all[i - 1] !== s);

async function watch(): Promise<void> {
  while (watching) {
    const [api, metricsServer, adapter] = await Promise.all([
      apiService(), deploymentExists('kube-system', 'metrics-server'), deploymentExists('monitoring', 'prometheus-adapter'),
    ]);
    history.push({ at: Date.now(), service: serviceOf(api), metricsServer, adapter });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  cluster = await startCluster({ preset: 'eks-mixed', name: 'handover' });
  core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  apps = cluster.kubeConfig.makeApiClient(AppsV1Api);
  stacks = stackApi(cluster.kubeConfig);
  await installCrd(cluster);
  await core.createNamespace({ body: { metadata: { name: 'monitoring' } } });
  await runner.start(cluster.kubeconfigPath, 'op', ['--leader-elect', 'false']);
});
afterAll(async () => {
  watching = false;
  await runner.stop();
  await cluster?.stop();
});

describe('switching the resource metrics provider hands metrics.k8s.io over without a gap', () => {
  let watcher: Promise<void>;

  it('starts with metrics-server serving metrics.k8s.io', async () => {
    await stacks.create('default', { metricsServer: { kubeletTLS: 'Insecure' } });
    await until('the APIService pointing at metrics-server', async () => serviceOf(await apiService()) === 'kube-system/metrics-server', 60_000);
    watcher = watch();
  });

  it('keeps metrics-server and the APIService on it while prometheus-adapter has no ready pod', async () => {
    await holdPods('monitoring');
    // One patch: the CRD allows resourceRules only together with provider prometheus-adapter.
    await patch([
      { op: 'add', path: '/spec/prometheusAdapter', value: { prometheusURL: PROMETHEUS_URL, resourceRules: RESOURCE_RULES, rules: [HTTPD_RULE] } },
      { op: 'add', path: '/spec/resourceMetrics/provider', value: 'prometheus-adapter' },
    ]);
    await until('HandoverInProgress', async () => (await metricsAPI())?.reason === 'HandoverInProgress', 60_000);
    expect((await metricsAPI())?.message).toContain('still routes to kube-system/metrics-server, which keeps serving until prometheus-adapter is ready (Deployment monitoring/prometheus-adapter: 0/1 pods ready)');
    // Several operator passes later (it polls every 3 s), nothing has moved.
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    expect(serviceOf(await apiService())).toBe('kube-system/metrics-server');
    expect(await deploymentExists('kube-system', 'metrics-server')).toBe(true);
    expect(await deploymentExists('monitoring', 'prometheus-adapter')).toBe(true);
    const s = await stacks.get('default');
    expect(s.status?.inventory?.map((i) => `${i.kind}/${i.name}`)).toEqual(expect.arrayContaining(['Deployment/metrics-server', 'Deployment/prometheus-adapter', 'APIService/v1beta1.metrics.k8s.io']));
    expect(condition(s, 'Ready')).toMatchObject({ status: 'False' }); // CustomMetricsAPIAvailable: PrometheusUnreachable
  }, 90_000);

  it('repoints the APIService once the adapter pod is ready, then removes metrics-server, never leaving metrics.k8s.io unserved', async () => {
    await releasePods('monitoring');
    await until('the APIService pointing at prometheus-adapter', async () => serviceOf(await apiService()) === 'monitoring/prometheus-adapter', 60_000);
    await until('metrics-server removed', async () => !(await deploymentExists('kube-system', 'metrics-server')), 60_000);
    await until('the watcher to see it', async () => history.at(-1)?.metricsServer === false);
    expect(targets()).toEqual(['kube-system/metrics-server', 'monitoring/prometheus-adapter']);
    // metrics-server was still there whenever the APIService pointed at it, and the adapter existed before it was pointed at.
    expect(history.filter((s) => s.service === 'kube-system/metrics-server').every((s) => s.metricsServer)).toBe(true);
    expect(history.filter((s) => s.service === 'monitoring/prometheus-adapter').every((s) => s.adapter)).toBe(true);
    await until('MetricsAPIAvailable reported by the adapter', async () => (await metricsAPI())?.reason === 'PrometheusUnreachable', 30_000);
    expect((await metricsAPI())?.message).toContain(`Prometheus does not answer at ${PROMETHEUS_URL}`);
    expect(await exists(core.readNamespacedServiceAccount({ namespace: 'kube-system', name: 'metrics-server' }))).toBe(false);
  }, 130_000);

  it('hands it back to metrics-server the same way, the adapter keeping its resource rules until then', async () => {
    await holdPods('kube-system');
    // resourceRules go (only the provider may have them); the custom rule keeps the adapter running.
    await patch([
      { op: 'replace', path: '/spec/resourceMetrics/provider', value: 'metrics-server' },
      { op: 'remove', path: '/spec/prometheusAdapter/resourceRules' },
    ]);
    await until('HandoverInProgress', async () => (await metricsAPI())?.reason === 'HandoverInProgress', 60_000);
    expect((await metricsAPI())?.message).toContain('still routes to monitoring/prometheus-adapter');
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(serviceOf(await apiService())).toBe('monitoring/prometheus-adapter');
    const config = async () => (await core.readNamespacedConfigMap({ namespace: 'monitoring', name: 'prometheus-adapter-config' })).data?.['config.yaml'] ?? '';
    expect(await config()).toContain('resourceRules:'); // still serving metrics.k8s.io: its configuration is not cut yet

    await releasePods('kube-system');
    await until('the APIService pointing at metrics-server', async () => serviceOf(await apiService()) === 'kube-system/metrics-server', 60_000);
    await until('the adapter reconfigured without resource rules', async () => !(await config()).includes('resourceRules:'), 30_000);
    await until('the aggregated reader of the adapter pruned', async () => (await cluster.kubectl(['get', 'clusterrole', 'system:prometheus-adapter-aggregated-reader'])).code !== 0, 30_000);
    watching = false;
    await watcher;
    expect(targets()).toEqual(['kube-system/metrics-server', 'monitoring/prometheus-adapter', 'kube-system/metrics-server']);
    expect(history.some((s) => s.service === 'absent')).toBe(false);
    expect(await deploymentExists('monitoring', 'prometheus-adapter')).toBe(true); // still serves custom metrics
    console.log(`[handover] ${history.length} samples over ${((history.at(-1)!.at - history[0]!.at) / 1000).toFixed(1)} s, APIService targets: ${targets().join(' → ')}`);
  }, 130_000);
});
