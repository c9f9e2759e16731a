import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppsV1Api, AutoscalingV2Api, CoreV1Api, type V1Pod, type V1PodSpec, type V2MetricSpec } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caStatusAtMaxSize } from '../support/ca-status.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { installCrd } from '../support/crd.js';
import { ec2Node, FARGATE_TAINT, fargateNode } from '../support/kwok-nodes.js';
import { OperatorRunner } from '../support/operator.js';
import { runPod, type RunningPod } from '../support/pod-runner.js';
import { condition, stackApi, until } from '../support/stacks.js';

// The HPA doctor's placement and capacity verdicts on the local control plane, with the real metrics-server and the
// real HPA controller. Two nodes join that no pod can reach (their IPs are not on the suite's bridge, as a kubelet
// behind a security group that drops :10250): an EC2 node, and a Fargate node on which a metrics-server pod runs, as
// the fargate-scheduler places one when a profile selects kube-system. metrics-server lists neither; the HPAs of
// pods there get no metrics, and the doctor must say where they run. A third HPA sits at maxReplicas with a pod that
// fits no node, first without Cluster Autoscaler, then with its status ConfigMap saying the node group is at maxSize.
const NS = 'shop';
const UNREACHABLE = ec2Node({ ip: '10.0.1.99', nodegroup: 'ng-2' });
const OWN_FARGATE = fargateNode({ ip: '10.0.2.99', profile: 'fp-kube-system' });
const [UNREACHABLE_NAME, FARGATE_NAME] = [UNREACHABLE.metadata!.name!, OWN_FARGATE.metadata!.name!];
const CA_GROUP = 'eks-ng-1-20261202-6ac9f2d4-1b2c-4d5e-8f90-a1b2c3d4e5f6';
const cpu: V2MetricSpec = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } };

interface PluginReport { hpas: { namespace: string; name: string; findings: { cause: string; message: string }[] }[] }

describe('the HPA doctor on where pods run and on a full cluster, operator and kubectl plugin', () => {
  let cluster: TestCluster;
  let core: CoreV1Api;
  let stacks: ReturnType<typeof stackApi>;
  const runner = new OperatorRunner();
  const pods: RunningPod[] = [];
  let readySince: string | undefined;

  const deployment = (name: string, replicas: number, spec: Omit<V1PodSpec, 'containers'>, cpuRequest: string) =>
    cluster.kubeConfig.makeApiClient(AppsV1Api).createNamespacedDeployment({ namespace: NS, body: { metadata: { name }, spec: {
      replicas, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { ...spec,
        containers: [{ name: 'app', image: 'registry.example/app:1', resources: { requests: { cpu: cpuRequest, memory: '64Mi' } } }] } } } } });
  const hpa = (name: string, maxReplicas: number) => cluster.kubeConfig.makeApiClient(AutoscalingV2Api).createNamespacedHorizontalPodAutoscaler({
    namespace: NS, body: { metadata: { name }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, minReplicas: 1, maxReplicas,
      metrics: [cpu] } } });
  const summary = async () => (await stacks.get('default')).status?.workloadAutoscaling;
  const rootOf = async (name: string) => (await summary())?.causes.find((c) => c.hpas.includes(`${NS}/${name}`));
  const plugin = (args: string[]) => promisify(execFile)(process.execPath,
    ['dist/kubectl-metricsstack.js', 'doctor', '--kubeconfig', cluster.kubeconfigPath, ...args])
    .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e);
  const pluginJson = async () => {
    const r = await plugin(['-o', 'json', '--limited-after', '20s']);
    expect(r.code, r.stderr).toBe(1);
    return JSON.parse(r.stdout) as PluginReport;
  };
  const ready = async () => condition(await stacks.get('default'), 'Ready');

  beforeAll(async () => {
    cluster = await startCluster({ preset: 'eks-mixed', name: 'hpa-nodes', network: true });
    core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    stacks = stackApi(cluster.kubeConfig);
    await installCrd(cluster);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    for (const n of [UNREACHABLE, OWN_FARGATE]) await core.createNode({ body: n });
    await until('the two new nodes Ready', async () => (await core.listNode()).items
      .filter((n) => [UNREACHABLE_NAME, FARGATE_NAME].includes(n.metadata!.name!))
      .every((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')), 60_000);
    await cluster.setClusterUsage('baseline', { namespaces: ['kube-system', NS] }, { cpu: '20m', memory: '30Mi' });
    // --hpa-limited-after 20s: ScaleOutBlockedPendingPods within the test's time instead of after 10 minutes.
    await runner.start(cluster.kubeconfigPath, 'op', ['--leader-elect', 'false', '--resync-period', '10s', '--hpa-limited-after', '20s']);
    // Insecure: kwok's one "kubelet" certificate names 127.0.0.1, not the node IPs metrics-server dials.
    await stacks.create('default', { resourceMetrics: { provider: 'metrics-server' },
      metricsServer: { replicas: 2, metricResolution: '15s', kubeletTLS: 'Insecure' }, fargate: { placement: 'Ignore' } });
    let running: V1Pod[] = [];
    await until('2 metrics-server pods Running', async () => {
      const list = (await core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=metrics-server' })).items;
      running = list.filter((p) => p.status?.phase === 'Running' && p.status.podIP && !p.metadata?.deletionTimestamp);
      return running.length === 2;
    }, 60_000);
    // A third metrics-server pod, on the Fargate node, as the fargate-scheduler binds a pod a profile selects. Without
    // pod-template-hash no ReplicaSet adopts it; it serves behind the same Service, so it runs the real binary too.
    const template = running[0]!;
    const { 'pod-template-hash': _hash, ...labels } = template.metadata!.labels!;
    await core.createNamespacedPod({ namespace: 'kube-system', body: {
      metadata: { name: 'metrics-server-fargate', labels, annotations: { 'eks.amazonaws.com/fargate-profile': 'fp-kube-system' } },
      spec: { ...template.spec!, nodeName: FARGATE_NAME, schedulerName: 'fargate-scheduler',
        tolerations: [...template.spec!.tolerations ?? [], { ...FARGATE_TAINT, operator: 'Equal' }] },
    } });
    for (const p of [...running.map((r) => r.metadata!.name!), 'metrics-server-fargate']) {
      pods.push(await runPod(cluster, { namespace: 'kube-system', podName: p, binary: join(cluster.binDir, 'metrics-server') }));
    }
    // Settled first (three metrics-server replicas warming up may move it once): then no HPA below may move it.
    await until('Ready=True for 30 s', async () => {
      const r = await ready();
      return r?.status === 'True' && Date.now() - new Date(r.lastTransitionTime ?? Date.now()).getTime() >= 30_000;
    }, 180_000);
    readySince = (await ready())?.lastTransitionTime;

    // orders: its pod on the EC2 node no pod can reach. checkout: on the Fargate node metrics-server runs on.
    await deployment('orders', 1, { nodeSelector: { 'kubernetes.io/hostname': UNREACHABLE_NAME } }, '100m');
    await hpa('orders', 3);
    await deployment('checkout', 1, { nodeName: FARGATE_NAME, tolerations: [{ ...FARGATE_TAINT, operator: 'Equal' }] }, '100m');
    await hpa('checkout', 3);
    // batch: 1.5 CPU each on 2-CPU nodes, kept on ng-1 (two nodes): the third replica stays Pending (Insufficient cpu).
    await deployment('batch', 3, { nodeSelector: { 'eks.amazonaws.com/nodegroup': 'ng-1' } }, '1500m');
    await until('2 batch pods Running, 1 Pending', async () => {
      const list = (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=batch' })).items;
      return list.filter((p) => p.status?.phase === 'Running').length === 2 && list.filter((p) => p.status?.phase === 'Pending').length === 1;
    }, 60_000);
    // 93 % of the request on the running two: the HPA wants a fourth replica, past maxReplicas.
    for (const p of (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=batch' })).items.filter((x) => x.status?.phase === 'Running')) {
      await cluster.setPodUsage(NS, p.metadata!.name!, { cpu: '1400m', memory: '64Mi' });
    }
    await hpa('batch', 3);
  }, 420_000);
  afterAll(async () => {
    for (const p of pods) await p.stop();
    await runner.stop();
    await cluster?.stop();
  });

  it('PodsOnUnreachableNodes: names the node metrics-server has no metrics for, and why, once the HPA has had none past the grace', async () => {
    await until('orders: PodsOnUnreachableNodes', async () => (await rootOf('orders'))?.cause === 'PodsOnUnreachableNodes', 240_000);
    expect((await rootOf('orders'))?.example).toContain(`pods run on nodes metrics-server cannot scrape: ${UNREACHABLE_NAME} (not scraped: kubelet unreachable`);
    // The same map MetricsAPIAvailable's message is built from (once a pass lists through a replica that has scraped).
    await until('MetricsAPIAvailable names it', async () =>
      condition(await stacks.get('default'), 'MetricsAPIAvailable')?.message?.includes(`${UNREACHABLE_NAME} (not scraped`) ?? false, 60_000);
    // What the real metrics-server says about it: the cause the doctor's reason points at.
    expect(pods.map((p) => p.logs()).join('\n')).toMatch(new RegExp(`Failed to scrape node.*node="${UNREACHABLE_NAME.replaceAll('.', '\\.')}"`));
  }, 320_000);

  it('PodsOnMetricsServerFargateNode: pods on the Fargate node a metrics-server pod runs on', async () => {
    await until('checkout: PodsOnMetricsServerFargateNode', async () => (await rootOf('checkout'))?.cause === 'PodsOnMetricsServerFargateNode', 150_000);
    expect((await rootOf('checkout'))?.example).toContain(`pods run on Fargate node ${FARGATE_NAME}, where metrics-server itself runs`);
  }, 160_000);

  it('ScaleOutBlockedPendingPods: at maxReplicas with a Pending pod, says Cluster Autoscaler is not there', async () => {
    await until('batch: ScaleOutBlockedPendingPods', async () => (await rootOf('batch'))?.cause === 'ScaleOutBlockedPendingPods', 150_000);
    expect((await rootOf('batch'))?.example).toMatch(/^at maxReplicas \(3\) for \d+ (s|min) with 1 Pending pods: the cluster has no room for them\. Cluster Autoscaler is not running \(no kube-system\/cluster-autoscaler-status ConfigMap\)/);
  }, 160_000);

  it('kubectl metricsstack doctor gives the same root causes and node names, and exits 1', async () => {
    const report = await pluginJson();
    const byName = new Map(report.hpas.map((v) => [v.name, v.findings[0]]));
    const status = await summary();
    for (const name of ['orders', 'checkout', 'batch']) expect([name, byName.get(name)?.cause]).toEqual([name, (await rootOf(name))?.cause]);
    // Same facts, same function: the same words (batch's differ only in how long it has been limited).
    for (const name of ['orders', 'checkout']) expect(`${byName.get(name)?.message}. Fix:`).toBe((await rootOf(name))?.example.split('. Fix:')[0] + '. Fix:');
    expect(byName.get('batch')?.message).toContain('Cluster Autoscaler is not running');
    expect(status?.hpas).toBe(3);
    const table = await plugin(['--limited-after', '20s']);
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(new RegExp(`hpa shop/orders +PodsOnUnreachableNodes\\n +why: pods run on nodes metrics-server cannot scrape: ${UNREACHABLE_NAME}`));
    console.log(table.stdout);
  }, 60_000);

  it("ScaleOutBlockedPendingPods quotes Cluster Autoscaler's status ConfigMap, in the operator and the plugin", async () => {
    await core.createNamespacedConfigMap({ namespace: 'kube-system', body: {
      metadata: { name: 'cluster-autoscaler-status', annotations: { 'cluster-autoscaler.kubernetes.io/last-updated': new Date().toISOString() } },
      data: { status: caStatusAtMaxSize(CA_GROUP, 2) },
    } });
    const quote = `Cluster Autoscaler says: autoscalerStatus Running, clusterWide scaleUp NoActivity; node group ${CA_GROUP}: health Healthy ` +
      'cloudProviderTarget=2 (minSize=1, maxSize=2) at maxSize, scaleUp NoActivity';
    await until('the operator quotes CA', async () => (await rootOf('batch'))?.example.includes(quote) ?? false, 60_000);
    const batch = (await pluginJson()).hpas.find((v) => v.name === 'batch')?.findings[0];
    expect(batch).toMatchObject({ cause: 'ScaleOutBlockedPendingPods', message: expect.stringContaining(quote) });
  }, 80_000);

  it('leaves Ready True all along: these are the workloads\' problems, reported beside it', async () => {
    expect(await ready()).toMatchObject({ status: 'True', lastTransitionTime: readySince });
  });
});
