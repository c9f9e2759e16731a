/**
 * prometheus-adapter's failure modes on the local control plane, with the bundled operator: a missing namespace,
 * rules that do not parse (reported with their index, the running adapter left as it was), KEDA's external metrics
 * APIService (reported, never overwritten unless adopted), and clean-up. No adapter or Prometheus really runs here.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppsV1Api, CoreV1Api, type V1APIService } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { installCrd } from '../support/crd.js';
import { OperatorRunner } from '../support/operator.js';
import { condition, stackApi, until } from '../support/stacks.js';

const RULE = {
  seriesQuery: 'httpd_requests_total{namespace!="",pod!=""}',
  resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
  name: { matches: '^(.*)_total$', as: '${1}_per_second' },
  metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)',
};
const KEDA_APISERVICE = {
  apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService',
  metadata: { name: 'v1beta1.external.metrics.k8s.io', labels: { 'app.kubernetes.io/part-of': 'keda-operator' } },
  spec: { group: 'external.metrics.k8s.io', version: 'v1beta1', service: { name: 'keda-operator-metrics-apiserver', namespace: 'keda' }, insecureSkipTLSVerify: true, groupPriorityMinimum: 100, versionPriority: 100 },
};

let cluster: TestCluster;
let core: CoreV1Api;
let apps: AppsV1Api;
let stacks: ReturnType<typeof stackApi>;
const runner = new OperatorRunner();
let opLogs = () => '';
const get = () => stacks.get('default');
const deployment = () => apps.readNamespacedDeployment({ namespace: 'metrics', name: 'prometheus-adapter' });
const exists = (p: Promise<unknown>) => p.then(() => true, () => false);
const apiService = async (name: string) => JSON.parse((await cluster.kubectl(['get', 'apiservice', name, '-o', 'json'])).stdout || '{}') as V1APIService;
async function patch(ops: object[]): Promise<void> {
  const r = await cluster.kubectl(['patch', 'metricsstack', 'default', '--type=json', '-p', JSON.stringify(ops)]);
  if (r.code !== 0) throw new Error(`kubectl patch: ${r.stderr}`);
}

beforeAll(async () => {
  cluster = await startCluster({ preset: 'none', name: 'adapter-lifecycle' });
  core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  apps = cluster.kubeConfig.makeApiClient(AppsV1Api);
  stacks = stackApi(cluster.kubeConfig);
  await installCrd(cluster);
  const op = await runner.start(cluster.kubeconfigPath, 'op', ['--leader-elect', 'false']);
  opLogs = () => op.logs();
});
afterAll(async () => {
  await runner.stop();
  await cluster?.stop();
});

describe('prometheus-adapter failure modes', () => {
  it('reports a namespace that does not exist instead of failing on every apply, then deploys once it exists', async () => {
    await stacks.create('default', { resourceMetrics: { provider: 'none' }, prometheusAdapter: { namespace: 'metrics', prometheusURL: 'http://10.0.0.1:9', rules: [RULE] } });
    await until('NamespaceNotFound', async () => condition(await get(), 'CustomMetricsAPIAvailable')?.reason === 'NamespaceNotFound');
    expect(condition(await get(), 'CustomMetricsAPIAvailable')?.message).toContain('kubectl create namespace metrics');
    expect((await cluster.kubectl(['get', 'apiservice', 'v1beta1.custom.metrics.k8s.io'])).code).not.toBe(0); // nothing deployed
    await core.createNamespace({ body: { metadata: { name: 'metrics' } } });
    await until('the adapter Deployment', () => exists(deployment()), 30_000);
    await until('PrometheusUnreachable', async () => condition(await get(), 'CustomMetricsAPIAvailable')?.reason === 'PrometheusUnreachable', 30_000);
    const api = await apiService('v1beta2.custom.metrics.k8s.io');
    expect(api.spec?.service).toMatchObject({ name: 'prometheus-adapter', namespace: 'metrics', port: 443 });
    expect(Buffer.from(api.spec?.caBundle ?? '', 'base64').toString()).toContain('BEGIN CERTIFICATE');
  });

  it('writes nothing on a reconcile that changes nothing it renders (steady state)', async () => {
    // resourceVersions of everything but the Deployment, whose status the controller-manager keeps updating: its
    // generation (spec changes only) stands in for it.
    const versions = async () => (await cluster.kubectl(['get', 'svc,sa,secret,configmap,clusterrole,clusterrolebinding,rolebinding,apiservice', '-A',
      '-l', 'app.kubernetes.io/managed-by=metricsstack-operator', '-o', 'jsonpath={range .items[*]}{.kind}/{.metadata.name}={.metadata.resourceVersion}{"\\n"}{end}'])).stdout +
      `Deployment generation ${(await deployment()).metadata?.generation}`;
    // ServiceAccount, 2 ClusterRoleBindings, ClusterRole, RoleBinding, ConfigMap, Secret, Service, 2 APIServices + the Deployment.
    await until('every adapter object created', async () => (await versions()).split('\n').filter(Boolean).length >= 11);
    const before = await versions();
    // A spec change the adapter does not render (metrics-server is not deployed with provider none): a full pass.
    await patch([{ op: 'add', path: '/spec/metricsServer/replicas', value: 3 }]);
    const generation = (await get()).metadata?.generation;
    await until('the pass observed', async () => (await get()).status?.observedGeneration === generation);
    expect(await versions()).toBe(before);
  });

  it('rejects a rule that does not parse, naming its index and the parser error, and leaves the running adapter as it was', async () => {
    const before = (await deployment()).metadata?.generation;
    await patch([{ op: 'add', path: '/spec/prometheusAdapter/rules/-', value: { ...RULE, name: { matches: '^(?!kube_)(.*)_total$', as: '${1}' } } }]);
    await until('InvalidSpec', async () => condition(await get(), 'CustomMetricsAPIAvailable')?.reason === 'InvalidSpec');
    const s = await get();
    expect(condition(s, 'CustomMetricsAPIAvailable')?.message).toContain('spec.prometheusAdapter.rules[1].name.matches: error parsing regexp: invalid or unsupported Perl syntax: `(?!`');
    expect(condition(s, 'Ready')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    expect(s.status?.inventory?.map((i) => `${i.kind}/${i.name}`)).toEqual(expect.arrayContaining(['Deployment/prometheus-adapter', 'ConfigMap/prometheus-adapter-config']));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await deployment()).metadata?.generation).toBe(before);
    await patch([{ op: 'remove', path: '/spec/prometheusAdapter/rules/1' }]);
    await until('the rule error gone', async () => condition(await get(), 'CustomMetricsAPIAvailable')?.reason === 'PrometheusUnreachable');
  });

  it("leaves KEDA's external metrics APIService alone and says so, while custom metrics stay deployed", async () => {
    const keda = await cluster.kubectl(['apply', '--server-side', '--field-manager=keda-operator', '-f', '-'], { input: JSON.stringify(KEDA_APISERVICE) });
    expect(keda.code, keda.stderr).toBe(0);
    await patch([{ op: 'add', path: '/spec/prometheusAdapter/externalRules', value: [RULE] }]);
    await until('ExternalMetricsAPIAvailable Conflict', async () => condition(await get(), 'ExternalMetricsAPIAvailable')?.reason === 'Conflict');
    const s = await get();
    const message = condition(s, 'ExternalMetricsAPIAvailable')?.message ?? '';
    expect(message).toContain('APIService v1beta1.external.metrics.k8s.io already exists and is managed by keda-operator');
    expect(message).toContain('spec.prometheusAdapter.adoptExisting: true');
    expect(condition(s, 'CustomMetricsAPIAvailable')?.reason).toBe('PrometheusUnreachable'); // verified as usual
    expect((await apiService('v1beta1.external.metrics.k8s.io')).spec?.service?.namespace).toBe('keda');
  });

  it('takes it over when adoptExisting is set', async () => {
    await patch([{ op: 'add', path: '/spec/prometheusAdapter/adoptExisting', value: true }]);
    await until('the APIService pointing at the adapter', async () => (await apiService('v1beta1.external.metrics.k8s.io')).spec?.service?.namespace === 'metrics', 30_000)
      .catch(async (err: Error) => { throw new Error(`${err.message}\n${JSON.stringify((await get()).status?.conditions)}\n${opLogs().split('\n').filter((l) => /warn|error|WARN|ERROR/.test(l)).slice(-5).join('\n')}`); });
    const api = await apiService('v1beta1.external.metrics.k8s.io');
    expect(api.metadata?.labels).toMatchObject({ 'metricsstack.io/owner': 'default' });
    expect(api.spec?.insecureSkipTLSVerify ?? false).toBe(false);
  });

  it('refuses a prometheusURL on loopback or the instance-metadata address, asks nothing there and copies nothing', async () => {
    // A loopback server answering like an instance-metadata credentials endpoint: it must never be asked.
    const asked: string[] = [];
    const secret = '{"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG","Token":"IQoJb3JpZ2luX2Vj"}';
    const server = createServer((req, res) => { asked.push(req.url ?? ''); res.end(secret); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      for (const [url, address] of [[`http://127.0.0.1:${port}`, '127.0.0.1'], ['http://169.254.169.254/', '169.254.169.254']] as const) {
        await patch([{ op: 'replace', path: '/spec/prometheusAdapter/prometheusURL', value: url }]);
        await until(`InvalidSpec for ${url}`, async () => condition(await get(), 'CustomMetricsAPIAvailable')?.message.includes(address) ?? false, 30_000);
        const s = await get();
        expect(condition(s, 'CustomMetricsAPIAvailable')).toMatchObject({ status: 'False', reason: 'InvalidSpec',
          message: expect.stringContaining(`spec.prometheusAdapter.prometheusURL ${url} resolves to ${address}`) });
        expect(JSON.stringify(s.status)).not.toMatch(/ASIAEXAMPLE|SecretAccessKey/);
      }
      const events = await cluster.kubectl(['get', 'events', '-A', '-o', 'json']);
      expect(events.stdout).not.toMatch(/ASIAEXAMPLE|SecretAccessKey/);
      expect(opLogs()).not.toMatch(/ASIAEXAMPLE|SecretAccessKey/);
      expect(asked).toEqual([]);
    } finally {
      server.close();
    }
    await patch([{ op: 'replace', path: '/spec/prometheusAdapter/prometheusURL', value: 'http://10.0.0.1:9' }]);
    await until('PrometheusUnreachable again', async () => condition(await get(), 'CustomMetricsAPIAvailable')?.reason === 'PrometheusUnreachable', 30_000);
  });

  it('removes everything it made when the MetricsStack is deleted', async () => {
    await stacks.delete('default');
    await until('the stack gone', async () => !(await stacks.exists('default')), 30_000);
    expect(await exists(deployment())).toBe(false);
    for (const name of ['v1beta1.custom.metrics.k8s.io', 'v1beta2.custom.metrics.k8s.io', 'v1beta1.external.metrics.k8s.io']) {
      expect((await cluster.kubectl(['get', 'apiservice', name])).code, name).not.toBe(0);
    }
    const left = await cluster.kubectl(['get', 'clusterrole,clusterrolebinding,rolebinding,configmap,secret,sa,svc', '-A', '-l', 'app.kubernetes.io/managed-by=metricsstack-operator', '-o', 'name']);
    expect(left.stdout.trim()).toBe('');
  });
});
