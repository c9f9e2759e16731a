import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppsV1Api, AutoscalingV2Api, CoreV1Api, type V2HorizontalPodAutoscaler, type V2MetricSpec } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsStack } from '../../src/api/v1alpha1/types.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { installCrd, installCrdFile } from '../support/crd.js';
import { OperatorRunner, operatorBundle } from '../support/operator.js';
import { runPod, type RunningPod } from '../support/pod-runner.js';
import { condition, stackApi, until } from '../support/stacks.js';

// The HPA doctor's verdicts about the metrics APIs, on one cluster where each API is broken in its own way, and the
// kubectl plugin run on the same cluster: both must name the same root cause per HPA. The apiserver's aggregator and
// the real HPA controller report on objects made the way installers make them:
// - metrics.k8s.io: registered by another installer to monitoring/metrics-server before the MetricsStack (provider
//   metrics-server, so it expects kube-system/metrics-server) exists → Conflict in the operator, MetricsAPIServedByOther;
// - custom.metrics.k8s.io: a Service with a Ready pod whose process is up but does not listen → FailedDiscoveryCheck
//   with "connect: connection refused" (seed 001's words, here from the aggregator);
// - external.metrics.k8s.io: KEDA's keda/keda-operator-metrics-apiserver → ExternalMetricsOwnedByOther for a plain HPA.
const NS = 'shop';
const cpu: V2MetricSpec = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } };
const rps: V2MetricSpec = { type: 'Pods', pods: { metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: '10' } } };
const queue: V2MetricSpec = { type: 'External', external: { metric: { name: 'sqs_messages_visible' }, target: { type: 'AverageValue', averageValue: '5' } } };
const apiService = (name: string, namespace: string, service: string) => {
  const [version, ...group] = name.split('.');
  return { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name },
    spec: { group: group.join('.'), version, service: { namespace, name: service, port: 443 }, insecureSkipTLSVerify: true, groupPriorityMinimum: 100, versionPriority: 100 } };
};
const WIDGET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
  spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [{ name: 'v1', served: true, storage: true, subresources: { scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
      schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] },
};
const EXTENSION_AUTH = 'extension-apiserver-authentication';
const KEEP_EXTENSION_AUTH_GONE = { apiVersion: 'v1', kind: 'List', items: [
  { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'keep-extension-auth-gone' },
    spec: { failurePolicy: 'Fail', matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps'] }] },
      validations: [{ expression: `!(request.namespace == 'kube-system' && object.metadata.name == '${EXTENSION_AUTH}')`,
        message: 'this test keeps the aggregation layer ConfigMap deleted' }] } },
  { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'keep-extension-auth-gone' },
    spec: { policyName: 'keep-extension-auth-gone', validationActions: ['Deny'] } },
] };
type Report = { findings: { object: string; cause: string; message: string }[]; hpas: { namespace: string; name: string; findings: { cause: string; message: string; fix: string }[] }[] };

describe('the HPA doctor on broken metrics APIs: operator status and kubectl metricsstack doctor agree', () => {
  let cluster: TestCluster;
  let core: CoreV1Api;
  let stacks: ReturnType<typeof stackApi>;
  const runner = new OperatorRunner();
  let backend: RunningPod | undefined;
  let readyBefore: { status?: string; reason?: string } | undefined;
  let withoutCrd: { code: number; stdout: string; stderr: string } | undefined;
  const summary = async () => (await stacks.get('default')).status?.workloadAutoscaling;
  const statusRoots = async () => (await summary())!.causes.flatMap((c) => c.hpas.map((h) => [h, c.cause])).sort();
  const plugin = (args: string[]) => promisify(execFile)(process.execPath, ['dist/kubectl-metricsstack.js', 'doctor', '--kubeconfig', cluster.kubeconfigPath, ...args])
    .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e);
  const pluginJson = async () => {
    const r = await plugin(['-o', 'json']);
    expect(r.code, r.stderr).toBe(1);
    return JSON.parse(r.stdout) as Report;
  };
  const kubectlApply = async (obj: unknown) => {
    const r = await cluster.kubectl(['apply', '-f', '-'], { input: JSON.stringify(obj) });
    expect(r.code, r.stderr).toBe(0);
  };
  const deployment = (name: string, replicas: number) => cluster.kubeConfig.makeApiClient(AppsV1Api).createNamespacedDeployment({ namespace: NS,
    body: { metadata: { name }, spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'app', image: 'registry.example/app:1', resources: { requests: { cpu: '100m' } } }] } } } } });
  const hpa = (name: string, ref: { apiVersion: string; kind: string; name: string }, metrics: V2MetricSpec[], labels: Record<string, string> = {}) =>
    cluster.kubeConfig.makeApiClient(AutoscalingV2Api).createNamespacedHorizontalPodAutoscaler({ namespace: NS,
      body: { metadata: { name, labels }, spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 3, metrics } } as V2HorizontalPodAutoscaler });
  const apps = (name: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', name });
  const untilStatus = (what: string, ok: (s: MetricsStack) => boolean, timeoutMs = 90_000) =>
    until(what, async () => ok(await stacks.get('default')), timeoutMs).catch(async (err: Error) => {
      throw new Error(`${err.message}\nstatus: ${JSON.stringify((await stacks.get('default')).status, null, 1)}`);
    });

  beforeAll(async () => {
    cluster = await startCluster({ preset: 'eks-mixed', name: 'hpa-apis', network: true });
    core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    stacks = stackApi(cluster.kubeConfig);
    // Before the operator (and its CRD) exists: the plugin must work on any cluster.
    await operatorBundle();
    withoutCrd = await plugin(['-o', 'json']);
    await installCrd(cluster);
    for (const name of [NS, 'monitoring', 'custom-metrics', 'keda']) await core.createNamespace({ body: { metadata: { name } } });

    // Another installer's metrics.k8s.io (a Helm release in monitoring), there before the stack.
    await kubectlApply(apiService('v1beta1.metrics.k8s.io', 'monitoring', 'metrics-server'));
    // A custom metrics apiserver whose pod is Ready but whose process does not listen on 6443 (sleep plays it).
    await core.createNamespacedService({ namespace: 'custom-metrics', body: { metadata: { name: 'custom-metrics-apiserver' },
      spec: { selector: { app: 'custom-metrics-apiserver' }, ports: [{ port: 443, targetPort: 6443 as never }] } } });
    await core.createNamespacedPod({ namespace: 'custom-metrics', body: { metadata: { name: 'custom-metrics-apiserver-0', labels: { app: 'custom-metrics-apiserver' } },
      spec: { containers: [{ name: 'apiserver', image: 'registry.example/custom-metrics-apiserver:1', command: ['custom-metrics-apiserver'], args: ['infinity'],
        ports: [{ containerPort: 6443 }] }] } } });
    backend = await runPod(cluster, { namespace: 'custom-metrics', podName: 'custom-metrics-apiserver-0', binary: '/usr/bin/sleep' });
    await kubectlApply(apiService('v1beta1.custom.metrics.k8s.io', 'custom-metrics', 'custom-metrics-apiserver'));
    // KEDA owns external.metrics.k8s.io, as its chart registers it.
    await kubectlApply(apiService('v1beta1.external.metrics.k8s.io', 'keda', 'keda-operator-metrics-apiserver'));

    // A custom resource whose scale subresource has no labelSelectorPath: the HPA cannot find its pods.
    const crdFile = join(cluster.dir, 'widgets-crd.json');
    writeFileSync(crdFile, JSON.stringify(WIDGET_CRD));
    await installCrdFile(cluster, crdFile, 'widgets.example.com');
    await kubectlApply({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'legacy', namespace: NS }, spec: { replicas: 1 } });

    const op = await runner.start(cluster.kubeconfigPath, 'op', ['--leader-elect', 'false', '--resync-period', '10s']);
    await stacks.create('default', { resourceMetrics: { provider: 'metrics-server' } });
    await untilStatus('MetricsAPIAvailable Conflict over v1beta1.metrics.k8s.io', (s) => condition(s, 'MetricsAPIAvailable')?.reason === 'Conflict');
    const passes = await op.reconciles();
    await until('two more passes, so Ready has settled', async () => (await op.reconciles()) >= passes + 2, 40_000);
    const ready = condition(await stacks.get('default'), 'Ready');
    readyBefore = { status: ready?.status, reason: ready?.reason };

    await deployment('web', 1);
    await hpa('web', apps('web'), [cpu]);
    await deployment('orders', 1);
    await hpa('orders', apps('orders'), [rps]);
    await deployment('queue-worker', 1);
    await hpa('queue-worker', apps('queue-worker'), [queue]);
    // What KEDA makes from a ScaledObject: external metrics from KEDA are this HPA's own.
    await hpa('keda-hpa-queue-worker', apps('queue-worker'), [queue], { 'scaledobject.keda.sh/name': 'queue-worker' });
    await deployment('nightly', 0);
    await hpa('nightly', apps('nightly'), [cpu]);
    await hpa('widget', { apiVersion: 'example.com/v1', kind: 'Widget', name: 'legacy' }, [cpu]);
  }, 300_000);
  afterAll(async () => {
    await backend?.stop();
    await runner.stop();
    await cluster?.stop();
  });

  it('the plugin runs on a cluster without the MetricsStack CRD: no HPAs, no APIServices, nothing to report, exit 0', () => {
    expect(withoutCrd, withoutCrd?.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(withoutCrd!.stdout)).toMatchObject({ findings: [], hpas: [] });
  });

  it('the aggregator reports the custom metrics backend FailedDiscoveryCheck with connection refused', async () => {
    await until('v1beta1.custom.metrics.k8s.io FailedDiscoveryCheck', async () => {
      const r = await cluster.kubectl(['get', 'apiservice', 'v1beta1.custom.metrics.k8s.io', '-o', 'jsonpath={.status.conditions[0].reason} {.status.conditions[0].message}']);
      return /^FailedDiscoveryCheck .*connect: connection refused/.test(r.stdout);
    }, 60_000);
  });

  it('names a root cause per HPA in status: served by other (naming both Services), FailedDiscoveryCheck, KEDA, scaled to 0, no selector', async () => {
    const want = [[`${NS}/keda-hpa-queue-worker`, 'MetricsAPINotAvailable'], [`${NS}/nightly`, 'TargetScaledToZero'],
      [`${NS}/orders`, 'MetricsAPINotAvailable'], [`${NS}/queue-worker`, 'ExternalMetricsOwnedByOther'], [`${NS}/web`, 'MetricsAPIServedByOther'], [`${NS}/widget`, 'TargetHasNoSelector']];
    await until('the six verdicts in status', async () => JSON.stringify(await statusRoots().catch(() => [])) === JSON.stringify(want), 150_000)
      .catch(async (err: Error) => { throw new Error(`${err.message}\n${JSON.stringify(await summary(), null, 1)}`); });
    const s = (await summary())!;
    const example = (cause: string) => s.causes.find((c) => c.cause === cause)?.example;
    expect(example('MetricsAPIServedByOther')).toContain(
      'v1beta1.metrics.k8s.io points at monitoring/metrics-server, not at kube-system/metrics-server that the MetricsStack deploys');
    expect(example('ExternalMetricsOwnedByOther')).toContain('served by KEDA (keda/keda-operator-metrics-apiserver)');
    // keda-hpa-queue-worker sorts first: its verdict is the example (the KEDA Service does not exist), orders' is below.
    expect(example('MetricsAPINotAvailable')).toContain('v1beta1.external.metrics.k8s.io (external.metrics.k8s.io) is not Available (ServiceNotFound');
    expect(example('TargetHasNoSelector')).toContain("scale target Widget shop/legacy has no usable selector, so the HPA cannot find its pods (HPA: the HPA target's scale is missing a selector)");
    expect(s).toMatchObject({ hpas: 6, healthy: 0 });
  }, 160_000);

  it('kubectl metricsstack doctor gives the same root cause per HPA, the same words, and exits 1', async () => {
    const report = await pluginJson();
    expect(report.hpas.map((v) => [`${v.namespace}/${v.name}`, v.findings[0]?.cause]).sort()).toEqual(await statusRoots());
    const orders = report.hpas.find((v) => v.name === 'orders')!.findings[0]!;
    expect(orders.message).toMatch(/^v1beta1\.custom\.metrics\.k8s\.io \(custom\.metrics\.k8s\.io\) is not Available \(FailedDiscoveryCheck: failing or missing response from .*connect: connection refused/);
    const web = report.hpas.find((v) => v.name === 'web')!.findings[0]!;
    expect(web.message).toContain('points at monitoring/metrics-server, not at kube-system/metrics-server');
    expect(web.fix).toContain('spec.resourceMetrics.provider: existing');
    expect(report.findings.filter((f) => f.object.startsWith('apiservice')).map((f) => [f.object, f.cause]).sort()).toEqual([
      ['apiservice v1beta1.custom.metrics.k8s.io', 'APIServiceNotAvailable'], ['apiservice v1beta1.external.metrics.k8s.io', 'APIServiceNotAvailable'],
      ['apiservice v1beta1.metrics.k8s.io', 'APIServiceNotAvailable']]);
    const table = await plugin([]);
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/^OBJECT +CAUSE\n/);
    console.log(table.stdout);
  }, 60_000);

  it('leaves Ready as it was before the HPAs existed', async () => {
    const ready = condition(await stacks.get('default'), 'Ready');
    console.log(`[hpa-doctor-apis] Ready before the HPAs ${JSON.stringify(readyBefore)}, after ${JSON.stringify({ status: ready?.status, reason: ready?.reason })}`);
    expect({ status: ready?.status, reason: ready?.reason }).toEqual(readyBefore);
  });

  // Last: the missing ConfigMap is a cluster-level fault, which does turn AggregationLayerReady (and so Ready) False.
  it("reports the aggregation layer's missing ConfigMap (seed 000) in the plugin's cluster row and in the operator's condition", async () => {
    // kube-apiserver's cluster-authentication-trust controller recreates the ConfigMap the moment it is deleted (its
    // informer's DeleteFunc, and a resync each minute): an admission policy refusing that create keeps it gone.
    await kubectlApply(KEEP_EXTENSION_AUTH_GONE);
    await until('the policy to refuse the ConfigMap', async () => {
      const r = await cluster.kubectl(['create', 'configmap', EXTENSION_AUTH, '-n', 'kube-system', '--dry-run=server']);
      return r.code !== 0 && /denied request/.test(r.stderr);
    }, 30_000);
    await core.deleteNamespacedConfigMap({ namespace: 'kube-system', name: EXTENSION_AUTH });
    await new Promise((done) => setTimeout(done, 3_000));
    const gone = await cluster.kubectl(['get', 'configmap', EXTENSION_AUTH, '-n', 'kube-system']);
    expect(gone.stderr).toContain(`configmaps "${EXTENSION_AUTH}" not found`);

    const row = (await pluginJson()).findings.find((f) => f.cause === 'AggregationLayerMissing');
    expect(row).toMatchObject({ object: `configmap kube-system/${EXTENSION_AUTH}` });
    expect(row?.message).toContain(`metrics-server crash-loops on configmaps "${EXTENSION_AUTH}" not found`);
    await untilStatus('AggregationLayerReady False', (s) => condition(s, 'AggregationLayerReady')?.reason === 'ExtensionAPIAuthenticationMissing', 60_000);
    expect(condition(await stacks.get('default'), 'AggregationLayerReady')?.status).toBe('False');

    // Without the policy the apiserver puts it back by itself (its rate-limited retry, or the minute's resync).
    await cluster.kubectl(['delete', 'validatingadmissionpolicybinding,validatingadmissionpolicy', 'keep-extension-auth-gone']);
    await until('the apiserver to recreate the ConfigMap', async () => (await cluster.kubectl(['get', 'configmap', EXTENSION_AUTH, '-n', 'kube-system'])).code === 0, 90_000);
  }, 200_000);
});
