import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppsV1Api, AutoscalingV2Api, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { installCrd } from '../support/crd.js';
import { OperatorRunner } from '../support/operator.js';
import { runPod, type RunningPod } from '../support/pod-runner.js';
import { RequestExporter, startPrometheus, type RunningPrometheus } from '../support/prometheus.js';
import { condition, stackApi, until } from '../support/stacks.js';

// Seed 002 on the local control plane: Debian's Prometheus scrapes a real exporter whose samples carry the
// namespace/pod labels of the kwok pods of Deployment `httpd`; the operator deploys prometheus-adapter with rules
// rendered from the MetricsStack; the REAL prometheus-adapter binary runs as that Deployment's pod (exact args and
// volumes, test/support/pod-runner.ts) and reaches Prometheus through a relay on the suite-made gateway address;
// the aggregator serves custom.metrics.k8s.io from it, and an HPA on a Pods metric (averageValue) scales httpd.
const NS = 'shop';
const METRIC = 'httpd_requests_per_second';
const TARGET_PER_POD = 10;
const rule = (seriesQuery: string, overrides: Record<string, { resource: string }>, as: string) => ({
  seriesQuery, resources: { overrides }, name: { matches: '^(.*)_total$', as },
  metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[15s])) by (<<.GroupBy>>)',
});

describe('end to end: MetricsStack → real prometheus-adapter on a real Prometheus → custom metrics → HPA', () => {
  let cluster: TestCluster;
  let core: CoreV1Api;
  let stacks: ReturnType<typeof stackApi>;
  let prometheus: RunningPrometheus;
  let exporter: RequestExporter;
  let prometheusURL: string;
  const runner = new OperatorRunner();
  const pods: RunningPod[] = [];
  const t0 = Date.now();
  const mark = (what: string) => console.log(`[e2e] ${what} at +${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const logs = () => pods.map((p) => p.logs().split('\n').slice(-20).join('\n')).join('\n---\n');
  const raw = async (path: string) => {
    const r = await cluster.kubectl(['get', '--raw', path]);
    return r.code === 0 ? JSON.parse(r.stdout) as { items?: { describedObject?: { name: string }; metricName?: string; value: string }[]; resources?: { name: string }[] } : undefined;
  };
  const hpa = async () => {
    const h = await cluster.kubeConfig.makeApiClient(AutoscalingV2Api).readNamespacedHorizontalPodAutoscaler({ namespace: NS, name: 'httpd' });
    return { current: h.status?.currentReplicas ?? 0, value: h.status?.currentMetrics?.[0]?.pods?.current.averageValue };
  };

  beforeAll(async () => {
    cluster = await startCluster({ preset: 'eks-mixed', name: 'e2e-pa', network: true });
    core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    stacks = stackApi(cluster.kubeConfig);
    await installCrd(cluster);
    for (const name of [NS, 'monitoring']) await core.createNamespace({ body: { metadata: { name } } });
    exporter = new RequestExporter(cluster.kubeConfig, NS, 'app=httpd');
    const exporterPort = await exporter.start();
    prometheus = await startPrometheus(cluster, [`127.0.0.1:${exporterPort}`]);
    prometheusURL = `http://${await cluster.network!.expose(prometheus.port)}`;
    // Healthy Prometheus answers are trusted 5 s instead of 5 min, so the last test sees Prometheus go away quickly.
    await runner.start(cluster.kubeconfigPath, 'op', ['--leader-elect', 'false', '--prometheus-check-period', '5s']);
    mark(`cluster, Prometheus (${prometheusURL} for pods) and operator up`);
  });
  afterAll(async () => {
    for (const p of pods) await p.stop();
    await runner.stop();
    await exporter?.stop();
    await cluster?.stop();
  });

  it("creates seed 002's httpd Deployment, whose pods' request counters Prometheus scrapes", async () => {
    await cluster.kubeConfig.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: 'httpd', labels: { app: 'httpd' } },
        spec: {
          replicas: 1, selector: { matchLabels: { app: 'httpd' } },
          template: { metadata: { labels: { app: 'httpd' } }, spec: { containers: [{ name: 'httpd', image: 'httpd', ports: [{ containerPort: 80 }] }] } },
        },
      },
    });
    exporter.totalRate = 5;
    await until('httpd_requests_total in Prometheus', async () => (await prometheus.query(`httpd_requests_total{namespace="${NS}"}`)).length === 1, 60_000);
    mark('Prometheus scrapes the exporter');
  }, 70_000);

  it('deploys prometheus-adapter from the spec, and the real binary runs its pod', async () => {
    await stacks.create('default', {
      resourceMetrics: { provider: 'none' },
      prometheusAdapter: {
        prometheusURL, metricsRelistInterval: '5s',
        rules: [rule('httpd_requests_total{namespace!="",pod!=""}', { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } }, '${1}_per_second'),
          // A rule whose series no workload exports: the HPA doctor must tell it from a typo.
          rule('jobs_total{namespace!="",pod!=""}', { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } }, '${1}_per_second')],
        externalRules: [rule('httpd_requests_total{namespace!=""}', { namespace: { resource: 'namespace' } }, 'httpd_requests_rate')],
      },
    });
    let name = '';
    await until('the prometheus-adapter pod Running', async () => {
      const list = (await core.listNamespacedPod({ namespace: 'monitoring', labelSelector: 'app.kubernetes.io/name=prometheus-adapter' })).items;
      name = list.find((p) => p.status?.phase === 'Running' && p.status.podIP && !p.metadata?.deletionTimestamp)?.metadata?.name ?? '';
      return name !== '';
    }, 60_000);
    const d = await cluster.kubeConfig.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: 'monitoring', name: 'prometheus-adapter' });
    expect(d.spec?.template.spec?.containers[0]?.args).toEqual(expect.arrayContaining([`--prometheus-url=${prometheusURL}`, '--metrics-relist-interval=5s', '--config=/etc/adapter/config.yaml']));
    pods.push(await runPod(cluster, { namespace: 'monitoring', podName: name, binary: join(cluster.binDir, 'prometheus-adapter') }));
    mark('prometheus-adapter running for real');
  }, 90_000);

  it('becomes Ready: custom and external metrics APIs Available and listing the httpd metric, Prometheus reachable', async () => {
    await until('Ready=True', async () => condition(await stacks.get('default'), 'Ready')?.status === 'True', 120_000)
      .catch(async (err: Error) => { throw new Error(`${err.message}\n${JSON.stringify((await stacks.get('default')).status?.conditions, null, 1)}\n${logs()}`); });
    const s = await stacks.get('default');
    expect(condition(s, 'CustomMetricsAPIAvailable')).toMatchObject({ status: 'True', reason: 'MetricsAvailable' });
    expect(condition(s, 'CustomMetricsAPIAvailable')?.message).toContain(`pods/${METRIC}`);
    expect(condition(s, 'ExternalMetricsAPIAvailable')?.message).toContain('httpd_requests_rate');
    expect(condition(s, 'MetricsAPIAvailable')).toBeUndefined();
    for (const name of ['v1beta1.custom.metrics.k8s.io', 'v1beta2.custom.metrics.k8s.io', 'v1beta1.external.metrics.k8s.io']) {
      const api = JSON.parse((await cluster.kubectl(['get', 'apiservice', name, '-o', 'json'])).stdout);
      expect(api.spec.insecureSkipTLSVerify ?? false, name).toBe(false);
      expect(api.status.conditions.find((c: { type: string }) => c.type === 'Available').status, name).toBe('True');
    }
    mark('Ready');
    console.log((await cluster.kubectl(['get', 'metricsstack'])).stdout);
  }, 130_000);

  it(`answers kubectl get --raw for pods/*/${METRIC} (v1beta1 and v1beta2) and for the external metric`, async () => {
    let items: { describedObject?: { name: string }; value: string }[] = [];
    await until('a per-pod value near 5/s', async () => {
      items = (await raw(`/apis/custom.metrics.k8s.io/v1beta1/namespaces/${NS}/pods/*/${METRIC}`))?.items ?? [];
      const v = items[0] ? parseQuantity(items[0].value) : 0;
      return items.length === 1 && v > 4 && v < 6;
    }, 60_000);
    expect(items[0]?.describedObject?.name).toMatch(/^httpd-/);
    const v2 = await raw(`/apis/custom.metrics.k8s.io/v1beta2/namespaces/${NS}/pods/*/${METRIC}`);
    expect(v2?.items).toHaveLength(1);
    const external = await raw(`/apis/external.metrics.k8s.io/v1beta1/namespaces/${NS}/httpd_requests_rate`);
    expect(external?.items?.[0]?.metricName).toBe('httpd_requests_rate');
    console.log(`[e2e] pods/*/${METRIC}: ${items.map((i) => `${i.describedObject?.name}=${i.value}`).join(', ')}`);
  }, 70_000);

  it(`scales an HPA on the Pods metric (averageValue ${TARGET_PER_POD}) out when the request rate rises and in when it falls`, async () => {
    await cluster.kubeConfig.makeApiClient(AutoscalingV2Api).createNamespacedHorizontalPodAutoscaler({
      namespace: NS,
      body: {
        metadata: { name: 'httpd' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'httpd' }, minReplicas: 1, maxReplicas: 4,
          metrics: [{ type: 'Pods', pods: { metric: { name: METRIC }, target: { type: 'AverageValue', averageValue: String(TARGET_PER_POD) } } }],
        },
      },
    });
    await until('the HPA to read the metric', async () => (await hpa()).value !== undefined, 60_000);
    mark(`HPA reads ${METRIC}=${(await hpa()).value}`);

    exporter.totalRate = 35; // 35/s on one pod: ceil(1 × 35 / 10) = 4 replicas
    await until('scale-out to 4 replicas', async () => (await hpa()).current === 4, 120_000);
    mark('scaled out to 4');
    console.log((await cluster.kubectl(['get', 'hpa', '-n', NS])).stdout);
    await until('4 pods in the metric', async () => ((await raw(`/apis/custom.metrics.k8s.io/v1beta1/namespaces/${NS}/pods/*/${METRIC}`))?.items?.length ?? 0) === 4, 60_000);

    exporter.totalRate = 4; // 1/s per pod: ceil(4 × 1 / 10) = 1 replica
    await until('scale-in to 1 replica', async () => (await hpa()).current === 1, 150_000);
    mark('scaled back in to 1');
  }, 400_000);

  it('the HPA doctor names a metric no rule produces (closest listed) and one whose rule finds no series, in status and in the plugin', async () => {
    const autoscaling = cluster.kubeConfig.makeApiClient(AutoscalingV2Api);
    for (const [name, metric] of [['typo', 'httpd_request_per_second'], ['jobs', 'jobs_per_second']] as const) {
      await autoscaling.createNamespacedHorizontalPodAutoscaler({ namespace: NS, body: { metadata: { name }, spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'httpd' }, minReplicas: 1, maxReplicas: 4,
        metrics: [{ type: 'Pods', pods: { metric: { name: metric }, target: { type: 'AverageValue', averageValue: '10' } } }] } } });
    }
    type Summary = { causes: { cause: string; count: number; hpas: string[]; example?: string }[] };
    const summary = async () => (await stacks.get('default')).status?.workloadAutoscaling as Summary | undefined;
    await until('both HPAs called UnknownCustomMetric', async () =>
      (await summary())?.causes.find((c) => c.cause === 'UnknownCustomMetric')?.hpas.length === 2, 120_000);
    const unknown = (await summary())!.causes.find((c) => c.cause === 'UnknownCustomMetric')!;
    expect(unknown.hpas).toEqual([`${NS}/jobs`, `${NS}/typo`]);
    // The HPA controller's own words for both are the symptom: "unable to get metric ...: the server could not find the metric".
    const events = (await core.listNamespacedEvent({ namespace: NS, fieldSelector: 'reason=UnknownCustomMetric' })).items;
    const said = (hpa: string) => events.find((e) => e.involvedObject.name === hpa)?.message ?? '';
    expect(said('typo')).toContain('metric httpd_request_per_second is not listed by custom.metrics.k8s.io');
    expect(said('typo')).toContain(`closest listed: ${METRIC}`);
    expect(said('jobs')).toContain('metric jobs_per_second is named by a rule in spec.prometheusAdapter.rules (seriesQuery jobs_total{namespace!="",pod!=""})');
    expect(said('jobs')).toContain('Prometheus holds no series for that query');
    expect(condition(await stacks.get('default'), 'Ready')?.status).toBe('True');

    const run = promisify(execFile)(process.execPath, ['dist/kubectl-metricsstack.js', 'doctor', '--kubeconfig', cluster.kubeconfigPath, '-o', 'json'])
      .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e);
    const out = await run;
    expect(out.code, out.stderr).toBe(1);
    const report = JSON.parse(out.stdout) as { hpas: { name: string; findings: { cause: string; message: string }[] }[] };
    const root = (name: string) => report.hpas.find((h) => h.name === name)?.findings[0];
    expect(root('typo')).toMatchObject({ cause: 'UnknownCustomMetric', message: expect.stringContaining(`closest listed: ${METRIC}`) });
    expect(root('jobs')?.cause).toBe('UnknownCustomMetric');
    expect(root('httpd')).toBeUndefined();
    mark(`doctor: ${said('jobs')}`);
  }, 150_000);

  it('names PrometheusUnreachable when Prometheus stops answering', async () => {
    await cluster.group.stopProc(prometheus.proc);
    await until('PrometheusUnreachable', async () => condition(await stacks.get('default'), 'CustomMetricsAPIAvailable')?.reason === 'PrometheusUnreachable', 60_000);
    const c = condition(await stacks.get('default'), 'CustomMetricsAPIAvailable')!;
    expect(c.message).toContain(`Prometheus does not answer at ${prometheusURL}`);
    expect(condition(await stacks.get('default'), 'Ready')).toMatchObject({ status: 'False', reason: 'PrometheusUnreachable' });
    mark(`CustomMetricsAPIAvailable False: ${c.message}`);
  }, 70_000);
});

/** A Kubernetes quantity as the custom metrics API returns values: "5", "4866m", "1200u". */
function parseQuantity(q: string): number {
  const m = /^(-?[\d.]+)([munkMG]?)$/.exec(q);
  if (!m) return NaN;
  const scale: Record<string, number> = { '': 1, m: 1e-3, u: 1e-6, n: 1e-9, k: 1e3, M: 1e6, G: 1e9 };
  return Number(m[1]) * scale[m[2]!]!;
}
