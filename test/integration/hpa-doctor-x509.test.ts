import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppsV1Api, AutoscalingV2Api, CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { installCrd } from '../support/crd.js';
import { OperatorRunner } from '../support/operator.js';
import { runPod, type RunningPod } from '../support/pod-runner.js';
import { stackApi, until } from '../support/stacks.js';

// The HPA doctor's PodsOnUnreachableNodes when the reason is the kubelet's certificate, not the network: a MetricsStack
// with kubeletTLS Verify on a cluster whose kubelets (kwok) serve a certificate signed for 127.0.0.1 only. The real
// metrics-server, scraping at the nodes' InternalIPs, fails every node with seed 004's error; the operator's own
// inspection of the kubelet certificates predicts it; the doctor must put the HPA's cause on x509, name the node, and
// the kubectl plugin must say the same.
const NS = 'web';
const APP = 'frontend';

interface PluginReport { hpas: { namespace: string; name: string; findings: { cause: string; message: string }[] }[] }

describe('the HPA doctor when metrics-server cannot verify the kubelets\' certificates, operator and kubectl plugin', () => {
  let cluster: TestCluster;
  let core: CoreV1Api;
  let stacks: ReturnType<typeof stackApi>;
  const runner = new OperatorRunner();
  const pods: RunningPod[] = [];
  let appNode = '';

  const rootOf = async (name: string) => (await stacks.get('default')).status?.workloadAutoscaling?.causes.find((c) => c.hpas.includes(`${NS}/${name}`));

  beforeAll(async () => {
    cluster = await startCluster({ preset: 'eks-mixed', name: 'hpa-x509', network: true });
    core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    stacks = stackApi(cluster.kubeConfig);
    await installCrd(cluster);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await cluster.setClusterUsage('baseline', { namespaces: ['kube-system', NS] }, { cpu: '20m', memory: '30Mi' });
    await runner.start(cluster.kubeconfigPath, 'op', ['--leader-elect', 'false', '--resync-period', '10s']);
    await stacks.create('default', { resourceMetrics: { provider: 'metrics-server' },
      metricsServer: { replicas: 1, metricResolution: '15s', kubeletTLS: 'Verify' }, fargate: { placement: 'AvoidFargate' } });
    let running: V1Pod[] = [];
    await until('the metrics-server pod Running', async () => {
      const list = (await core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=metrics-server' })).items;
      running = list.filter((p) => p.status?.phase === 'Running' && p.status.podIP && !p.metadata?.deletionTimestamp);
      return running.length === 1;
    }, 90_000);
    pods.push(await runPod(cluster, { namespace: 'kube-system', podName: running[0]!.metadata!.name!, binary: join(cluster.binDir, 'metrics-server') }));

    await cluster.kubeConfig.makeApiClient(AppsV1Api).createNamespacedDeployment({ namespace: NS, body: { metadata: { name: APP }, spec: {
      replicas: 1, selector: { matchLabels: { app: APP } },
      template: { metadata: { labels: { app: APP } }, spec: { nodeSelector: { 'eks.amazonaws.com/nodegroup': 'ng-1' },
        containers: [{ name: 'app', image: 'registry.example/frontend:2', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] } } } } });
    await until(`${APP}'s pod Running`, async () => {
      const p = (await core.listNamespacedPod({ namespace: NS, labelSelector: `app=${APP}` })).items.find((x) => x.status?.phase === 'Running');
      appNode = p?.spec?.nodeName ?? '';
      return appNode !== '';
    }, 60_000);
    await cluster.kubeConfig.makeApiClient(AutoscalingV2Api).createNamespacedHorizontalPodAutoscaler({ namespace: NS, body: {
      metadata: { name: APP }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: APP }, minReplicas: 1, maxReplicas: 4,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }] } } });
  }, 300_000);
  afterAll(async () => {
    for (const p of pods) await p.stop();
    await runner.stop();
    await cluster?.stop();
  });

  it('puts the HPA\'s missing metrics on the node\'s kubelet certificate, names the node, and points at kubeletTLS', async () => {
    // Past the doctor's 2-minute grace for a node that is only late (placement-checks.ts UNSCRAPED_GRACE_MS).
    await until(`${APP}: PodsOnUnreachableNodes`, async () => (await rootOf(APP))?.cause === 'PodsOnUnreachableNodes', 240_000);
    const root = (await rootOf(APP))!;
    expect(root.example).toContain(`pods run on nodes metrics-server cannot scrape: ${appNode} (kubelet x509: its serving certificate fails verification`);
    expect(root.example).toContain('set MetricsStack spec.metricsServer.kubeletTLS');
    // The real metrics-server, scraping that node, fails with seed 004's error as Go's crypto/x509 words it for kwok's
    // certificate: what the doctor's reason stands for.
    const ip = (await core.readNode({ name: appNode })).status!.addresses!.find((a) => a.type === 'InternalIP')!.address;
    await until('metrics-server logs the x509 failure for that node', async () =>
      pods[0]!.logs().includes(`x509: certificate is valid for 127.0.0.1, not ${ip}`), 60_000);
  }, 320_000);

  it('kubectl metricsstack doctor gives the same cause and words for the HPA, and exits 1', async () => {
    const r = await promisify(execFile)(process.execPath, ['dist/kubectl-metricsstack.js', 'doctor', '--kubeconfig', cluster.kubeconfigPath, '-o', 'json'])
      .then((o) => ({ code: 0, ...o }), (e: { code: number; stdout: string; stderr: string }) => e);
    expect(r.code, r.stderr).toBe(1);
    const finding = (JSON.parse(r.stdout) as PluginReport).hpas.find((h) => h.namespace === NS && h.name === APP)?.findings[0];
    expect(finding?.cause).toBe('PodsOnUnreachableNodes');
    expect(`${finding?.message}. Fix:`).toBe(`${(await rootOf(APP))?.example.split('. Fix:')[0]}. Fix:`);
  }, 60_000);
});
