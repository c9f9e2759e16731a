import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoscalingV2Api, CoreV1Api } from '@kubernetes/client-node';
import { parseAllDocuments, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArgoCD, type Application, type ArgoCD } from '../support/argocd.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { serveGitRepo, type GitRepo } from '../support/git-repo.js';
import { OperatorRunner, type OperatorProcess } from '../support/operator.js';
import { runPod, type RunningPod } from '../support/pod-runner.js';
import { startSampler, transitions } from '../support/sampler.js';
import { condition, stackApi, until } from '../support/stacks.js';
import { createScaledWorkload } from '../support/workload.js';

// A real Argo CD (application controller + repo-server + Redis, test/support/argocd.ts) syncs the chart with a
// MetricsStack from a git repository on loopback. Health comes from our Lua check in argocd-cm; the operator runs as
// the bundle beside the cluster, metrics-server as real pods (pod-runner), so Ready means metrics really list.
const APP = 'metricsstack-operator';
const spec = { resourceMetrics: { provider: 'metrics-server' }, metricsServer: { replicas: 1 } };
// A spec the CRD accepts but the operator cannot carry out: prometheus-adapter in a namespace that does not exist.
const RULE = {
  seriesQuery: 'http_requests_total{namespace!="",pod!=""}', resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
  metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)',
};
// A namespace nobody made (monitoring exists here: the chart's Roles need it).
const BROKEN = { ...spec, prometheusAdapter: { namespace: 'metrics', prometheusURL: 'http://prometheus.monitoring.svc:9090', rules: [RULE] } };
const values = (s: unknown) => stringify({ defaultStack: { enabled: true, spec: s } });

/** docs/argocd.md's Application, its source pointed at the test's repository and its values at a file there. */
function documentedApplication(repoURL: string) {
  const md = readFileSync(new URL('../../docs/argocd.md', import.meta.url), 'utf8');
  const docs = [...md.matchAll(/```yaml\n([\s\S]*?)```/g)].flatMap((m) => parseAllDocuments(m[1]!).map((d) => d.toJSON() as Record<string, unknown>));
  const app = docs.find((d) => d?.kind === 'Application') as { spec: { source: { path: string } } } | undefined;
  if (!app) throw new Error('docs/argocd.md shows no Application');
  app.spec.source = { repoURL, targetRevision: 'main', path: app.spec.source.path, helm: { valueFiles: ['../../stack-values.yaml'] } } as never;
  return app;
}

describe('Argo CD syncs the chart and a MetricsStack from git, and shows its real health', () => {
  let cluster: TestCluster;
  let argo: ArgoCD;
  let repo: GitRepo;
  let op: OperatorProcess;
  const runner = new OperatorRunner();
  const pods: RunningPod[] = [];
  const stacks = () => stackApi(cluster.kubeConfig);
  const stackHealth = (a: Application) => a.status?.resources?.find((r) => r.kind === 'MetricsStack')?.health;
  const appHealth = async () => stackHealth(await argo.application(APP)) ?? { status: 'Missing' };
  const startOperator = (identity: string) => runner.start(cluster.kubeconfigPath, identity, ['--leader-elect', 'true',
    '--leader-election-namespace', 'metricsstack-system', '--leader-election-id', 'metricsstack-operator', '--resync-period', '10s']);
  const explain = (err: Error) => { throw new Error(`${err.message}\n${argo.logs()}\n--- operator:\n${op?.logs().split('\n').slice(-20).join('\n')}`); };

  beforeAll(async () => {
    cluster = await startCluster({ preset: 'eks-mixed', name: 'e2e-argocd', network: true });
    await cluster.setClusterUsage('kube-system-baseline', { namespaces: ['kube-system'] }, { cpu: '5m', memory: '30Mi' });
    // The chart's Roles go into every managedNamespaces entry (default kube-system, monitoring), which must exist.
    await cluster.kubectl(['create', 'namespace', 'monitoring']);
    argo = await startArgoCD(cluster, { reconciliationTimeout: '10s' });
    repo = await serveGitRepo(cluster.group, join(cluster.dir, 'git'), 'platform.git');
    repo.copy('charts/metricsstack-operator', 'charts/metricsstack-operator');
    repo.write('stack-values.yaml', values(spec));
    await repo.commit('metricsstack-operator with a MetricsStack');
    const r = await cluster.kubectl(['apply', '--server-side', '-f', '-'], { input: JSON.stringify(documentedApplication(repo.url)) });
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(async () => {
    for (const p of pods) await p.stop();
    await runner.stop();
    await cluster?.stop();
  });

  it('syncs the chart with its CRD and a MetricsStack of that new CRD; the MetricsStack is Progressing until the operator reports', async () => {
    await until('the sync to succeed', async () => (await argo.application(APP)).status?.operationState?.phase === 'Succeeded', 120_000).catch(explain);
    await until('the MetricsStack health', async () => (await appHealth()).status !== 'Missing', 30_000).catch(explain);
    expect(await appHealth()).toEqual({ status: 'Progressing', message: 'Waiting for metricsstack-operator to report status' });
  }, 160_000);

  it('is Progressing until the MetricsStack is Ready with real metrics-server pods, then Healthy, never Degraded on the way', async () => {
    const sampler = startSampler(async () => {
      const h = await appHealth();
      const ready = condition(await stacks().get('default'), 'Ready');
      return { argo: h.status, message: h.message, ready: ready?.status };
    }, 500);
    op = await startOperator('op-1');
    const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    let running: string[] = [];
    await until('the metrics-server pod Running', async () => {
      const list = (await core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=metrics-server' })).items;
      running = list.filter((p) => p.status?.phase === 'Running' && p.status.podIP && !p.metadata?.deletionTimestamp).map((p) => p.metadata!.name!);
      return running.length === 1;
    }, 60_000).catch(explain);
    for (const name of running) pods.push(await runPod(cluster, { namespace: 'kube-system', podName: name, binary: join(cluster.binDir, 'metrics-server') }));
    await until('Argo CD to show the MetricsStack Healthy', async () => sampler.samples.at(-1)?.value.argo === 'Healthy', 150_000).catch(explain);
    const samples = await sampler.stop();
    console.log(`[argocd] MetricsStack health: ${transitions(samples, (v) => `${v.argo} (Ready ${v.ready ?? '-'}: ${v.message})`).join('\n  → ')}`);
    expect(transitions(samples, (v) => v.argo ?? '-')).toEqual(['Progressing', 'Healthy']);
    expect(samples.filter((s) => s.value.argo === 'Healthy').every((s) => s.value.ready === 'True')).toBe(true);
    expect((await argo.application(APP)).status?.health?.status).toBe('Healthy');
  }, 240_000);

  it('stays Synced over three resyncs: defaults, status, the finalizer and the Lease holder are not drift', async () => {
    const before = await argo.application(APP);
    const sampler = startSampler(async () => {
      const a = await argo.application(APP);
      return { sync: a.status?.sync?.status, at: a.status?.reconciledAt };
    }, 1_000);
    await until('three more reconciliations', async () => new Set(sampler.samples.map((s) => s.value.at)).size >= 4, 60_000);
    const samples = await sampler.stop();
    const after = await argo.application(APP);
    expect(transitions(samples, (v) => v.sync ?? '-')).toEqual(['Synced']);
    expect(after.status?.resources?.filter((r) => r.status !== 'Synced')).toEqual([]);
    // selfHeal would hide drift by syncing it away: no sync may have started since.
    expect(after.status?.operationState?.startedAt).toBe(before.status?.operationState?.startedAt);
  }, 90_000);

  it('stays Healthy while an HPA\'s scale target rolls out (its HPA briefly has no metrics) and while the operator restarts', async () => {
    const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    const hpas = cluster.kubeConfig.makeApiClient(AutoscalingV2Api);
    const scalingActive = async () => (await hpas.readNamespacedHorizontalPodAutoscaler({ namespace: 'shop', name: 'web' }))
      .status?.conditions?.find((c) => c.type === 'ScalingActive');
    await core.createNamespace({ body: { metadata: { name: 'shop' } } });
    await cluster.setClusterUsage('shop', { namespaces: ['shop'] }, { cpu: '20m', memory: '50Mi' });
    await createScaledWorkload(cluster.kubeConfig, { namespace: 'shop', name: 'web', cpuRequest: '100m', min: 1, max: 2, averageUtilization: 80 });
    await until('the HPA to read metrics', async () => (await scalingActive())?.status === 'True', 120_000);
    const readySince = condition(await stacks().get('default'), 'Ready')?.lastTransitionTime;
    const sampler = startSampler(async () => ({ argo: (await appHealth()).status, hpa: `${(await scalingActive())?.status}` }), 500);

    // KEDA's lesson (argo-cd #28522): new pods have no metrics for a scrape or two, so the HPA reports
    // ScalingActive=False (FailedGetResourceMetric); that is the HPA's business, not the metrics pipeline's health.
    expect((await cluster.kubectl(['rollout', 'restart', 'deployment/web', '-n', 'shop'])).code).toBe(0);
    await until('the HPA to lose its metrics during the rollout', async () => (await scalingActive())?.status === 'False', 60_000);
    await until('the HPA to read metrics again', async () => (await scalingActive())?.status === 'True', 90_000);
    // The operator rolls too: a new process takes the Lease and reconciles everything from scratch.
    op.signal('SIGTERM');
    await op.proc.exit;
    op = await startOperator('op-2');
    await until('the new operator to reconcile', async () => (await op.reconciles().catch(() => 0)) > 0, 60_000);
    const seen = (await argo.application(APP)).status?.reconciledAt;
    await until('Argo CD to look again', async () => (await argo.application(APP)).status?.reconciledAt !== seen, 30_000);

    const samples = await sampler.stop();
    const argoSeen = transitions(samples, (v) => v.argo ?? '-');
    const hpaSeen = transitions(samples, (v) => v.hpa);
    console.log(`[argocd] during the rollouts: Argo CD ${argoSeen.join(' → ')}; HPA ScalingActive ${hpaSeen.join(' → ')}`);
    expect(hpaSeen).toContain('False');
    expect(argoSeen).toEqual(['Healthy']);
    expect(condition(await stacks().get('default'), 'Ready')?.lastTransitionTime).toBe(readySince);
  }, 300_000);

  it('turns Degraded with the operator\'s reason when a broken spec is pushed, and Healthy again when it is reverted', async () => {
    repo.write('stack-values.yaml', values(BROKEN));
    await repo.commit('prometheus-adapter in a namespace that does not exist');
    await until('Argo CD to show the MetricsStack Degraded', async () => (await appHealth()).status === 'Degraded', 90_000).catch(explain);
    const ready = condition(await stacks().get('default'), 'Ready')!;
    const health = await appHealth();
    expect(health.message).toBe(`${ready.reason}: ${ready.message}`);
    expect(health.message).toMatch(/^NamespaceNotFound: CustomMetricsAPIAvailable: Namespace metrics does not exist.*kubectl create namespace metrics/);
    // Argo CD applied what git says; the health, not the sync status, is what tells the spec cannot work.
    expect((await argo.application(APP)).status?.sync?.status).toBe('Synced');

    repo.write('stack-values.yaml', values(spec));
    await repo.commit('revert');
    await until('Argo CD to show the MetricsStack Healthy again', async () => (await appHealth()).status === 'Healthy', 90_000).catch(explain);
  }, 200_000);
});
