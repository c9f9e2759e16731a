/**
 * resourceMetrics.provider existing against a metrics-server the cluster already has: the upstream chart installed by
 * `helm install` at the pinned version (the real binary serving as its pod, as in metrics-server-real.test.ts), and the
 * same objects applied server-side with field manager `eks`, as the EKS add-on does. The operator must name the
 * installer, the verification result and a fix in that installer's terms, and write nothing to those objects.
 */
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsStack } from '../../src/api/v1alpha1/types.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { installCrd } from '../support/crd.js';
import { clusterTool } from '../support/helm.js';
import { OperatorRunner } from '../support/operator.js';
import { runPod, type RunningPod } from '../support/pod-runner.js';
import { condition, stackApi, until } from '../support/stacks.js';
import { upstreamChartDir } from '../support/upstream-metrics-server.js';

// Release "metrics-server" makes the chart's fullname metrics-server: the names the operator's own provider would use.
const RELEASE = 'metrics-server';
const THEIRS = [['deployment', 'kube-system'], ['service', 'kube-system'], ['apiservice', ''], ['serviceaccount', 'kube-system']] as const;

describe('provider existing: the metrics-server a cluster already has', () => {
  let cluster: TestCluster;
  let runner: OperatorRunner;
  let stacks: ReturnType<typeof stackApi>;
  let helm: ReturnType<typeof clusterTool>;
  let msPod: RunningPod | undefined;
  const metricsAPI = async () => condition(await stacks.get('default'), 'MetricsAPIAvailable');
  const untilStatus = (what: string, ok: (s: MetricsStack) => boolean, timeoutMs = 90_000) =>
    until(what, async () => ok(await stacks.get('default')), timeoutMs).catch(async (err: Error) => {
      throw new Error(`${err.message}\nstatus: ${JSON.stringify((await stacks.get('default')).status, null, 1)}\n${msPod?.logs().slice(-2000)}`);
    });
  const resourceVersions = async () => Promise.all(THEIRS.map(async ([kind, ns]) => {
    const name = kind === 'apiservice' ? 'v1beta1.metrics.k8s.io' : RELEASE;
    const r = await cluster.kubectl(['get', kind, name, ...(ns ? ['-n', ns] : []), '-o', 'json', '--show-managed-fields']);
    const o = JSON.parse(r.stdout) as { metadata: { resourceVersion: string; managedFields?: { manager?: string }[] } };
    return { id: `${kind}/${name}`, resourceVersion: o.metadata.resourceVersion, managers: [...new Set(o.metadata.managedFields?.map((f) => f.manager))].sort() };
  }));
  /** Their objects' resourceVersions once the controllers settled, then again after the operator's next passes (~20 s). */
  const unchangedAcrossPasses = async () => {
    const before = await resourceVersions();
    await new Promise((done) => setTimeout(done, 20_000));
    const after = await resourceVersions();
    expect(after).toEqual(before);
    for (const o of after) expect(o.managers).not.toContain('metricsstack-operator');
  };
  const startServing = async () => {
    const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    let name = '';
    await until('the chart\'s metrics-server pod is Running', async () => {
      const pods = (await core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'app.kubernetes.io/name=metrics-server' })).items;
      name = pods.find((p) => p.status?.phase === 'Running' && p.status.podIP && !p.metadata?.deletionTimestamp)?.metadata?.name ?? '';
      return name !== '';
    }, 60_000);
    msPod = await runPod(cluster, { namespace: 'kube-system', podName: name, binary: join(cluster.binDir, 'metrics-server'), container: 'metrics-server' });
  };

  beforeAll(async () => {
    cluster = await startCluster({ preset: 'eks-mixed', name: 'existing-ms', network: true });
    stacks = stackApi(cluster.kubeConfig);
    helm = clusterTool(cluster, 'helm');
    await installCrd(cluster);
    // metrics-server drops samples of exactly zero, which kwok reports for a pod without simulated usage.
    await cluster.setClusterUsage('kube-system-baseline', { namespaces: ['kube-system'] }, { cpu: '5m', memory: '30Mi' });
    runner = new OperatorRunner();
    await runner.start(cluster.kubeconfigPath, 'op', ['--leader-elect', 'false']);
  }, 180_000);
  afterAll(async () => {
    await msPod?.stop();
    await runner?.stop();
    await cluster?.stop();
  });

  it('names a Helm release, verifies it really serves, and gives the fix as helm upgrade --set', async () => {
    // kwok's kubelets sign their own certificates: the release is told to skip verification, as a user of kwok would.
    await helm('install', RELEASE, upstreamChartDir(), '-n', 'kube-system', '--set', 'args={--kubelet-insecure-tls}');
    await startServing();
    await stacks.create('default', { resourceMetrics: { provider: 'existing' } });
    await untilStatus('MetricsAPIAvailable True from the Helm release', (s) => condition(s, 'MetricsAPIAvailable')?.status === 'True');
    const s = await stacks.get('default');
    const c = condition(s, 'MetricsAPIAvailable')!;
    console.log(`[existing-metrics-server] Helm: ${c.message}`);
    expect(c.message).toContain(`Served by Helm release "${RELEASE}" in namespace kube-system (Deployment kube-system/${RELEASE})`);
    expect(c.message).toMatch(/metrics.k8s.io answers with metrics for \d of 5 nodes/);
    expect(s.status?.metricsServer?.existing).toMatchObject({ installer: 'Helm', release: RELEASE, deployment: `kube-system/${RELEASE}` });
    // eks-mixed has Fargate nodes, which reserve the chart's port 10250.
    expect(s.status?.metricsServer?.existing?.findings).toContainEqual({
      problem: expect.stringContaining('port 10250') as string,
      fix: expect.stringContaining(`helm upgrade ${RELEASE} metrics-server/metrics-server -n kube-system --reuse-values --set containerPort=10251`) as string,
    });
    expect(s.status?.inventory ?? []).toEqual([]);
    await unchangedAcrossPasses();
  }, 240_000);

  it('provider metrics-server meets the release: Conflict naming provider existing, and still writes nothing of theirs', async () => {
    const before = await resourceVersions();
    await stacks.patchSpec('default', '/spec/resourceMetrics', { provider: 'metrics-server' });
    await untilStatus('MetricsAPIAvailable Conflict', (s) => condition(s, 'MetricsAPIAvailable')?.reason === 'Conflict');
    expect((await metricsAPI())?.message).toContain('spec.resourceMetrics.provider: existing');
    expect((await resourceVersions()).map((o) => o.id + o.resourceVersion)).toEqual(before.map((o) => o.id + o.resourceVersion));
    await stacks.patchSpec('default', '/spec/resourceMetrics', { provider: 'existing' });
    await untilStatus('back to the existing release', (s) => condition(s, 'MetricsAPIAvailable')?.reason !== 'Conflict');
    await msPod?.stop();
    msPod = undefined;
    await helm('uninstall', RELEASE, '-n', 'kube-system', '--wait');
  }, 240_000);

  it('names the EKS add-on from manager eks, reports its verification result and gives the fix as add-on configuration values', async () => {
    const manifests = await helm('template', RELEASE, upstreamChartDir(), '-n', 'kube-system', '--set', 'args={--kubelet-insecure-tls}');
    const r = await cluster.kubectl(['apply', '--server-side', '--field-manager=eks', '-n', 'kube-system', '-f', '-'], { input: manifests });
    expect(r.code, r.stderr).toBe(0);
    await startServing();
    await untilStatus('MetricsAPIAvailable names the EKS add-on', (s) =>
      condition(s, 'MetricsAPIAvailable')?.status === 'True' && s.status?.metricsServer?.existing?.installer === 'EKSAddon');
    const s = await stacks.get('default');
    console.log(`[existing-metrics-server] EKS add-on: ${condition(s, 'MetricsAPIAvailable')?.message}`);
    expect(condition(s, 'MetricsAPIAvailable')?.message).toContain('Served by the EKS metrics-server add-on (field manager "eks")');
    // Without AWS (no moto here) the cluster's name is not known: the fix says <cluster>.
    expect(s.status?.platform?.clusterName).toBeUndefined();
    expect(s.status?.metricsServer?.existing?.findings).toContainEqual({
      problem: expect.stringContaining('port 10250') as string,
      fix: expect.stringContaining("aws eks update-addon --cluster-name <cluster> --addon-name metrics-server --configuration-values '{\"containerPort\":10251}'") as string,
    });
    await unchangedAcrossPasses();
  }, 240_000);
});
