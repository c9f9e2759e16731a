/**
 * `make demo`: a local cluster shaped like seed 001's EKS (2 EC2 + 3 Fargate nodes), the operator, the MetricsStack
 * in examples/, the real metrics-server binary running the pods the operator deployed, `kubectl top`, and an HPA
 * scaling on simulated CPU. Ctrl-C stops everything (and so does the end, when not run from a terminal).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { startCluster, type TestCluster } from '../test/support/cluster.js';
import { shareWithMachine } from '../test/support/host-port.js';
import { installCrd } from '../test/support/crd.js';
import { OperatorRunner } from '../test/support/operator.js';
import { runPod, type RunningPod } from '../test/support/pod-runner.js';
import { condition, stackApi, until } from '../test/support/stacks.js';
import { createScaledWorkload, hpaState } from '../test/support/workload.js';

const t0 = Date.now();
const step = (text: string) => console.log(`\n\x1b[1m== ${text}\x1b[0m  (+${((Date.now() - t0) / 1000).toFixed(0)} s)`);
let cluster: TestCluster | undefined;
const runner = new OperatorRunner();
const pods: RunningPod[] = [];
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    step('Stopping: metrics-server pods, operator, cluster');
    for (const p of pods) await p.stop();
    await runner.stop();
    await cluster?.stop();
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function show(args: string[]): Promise<void> {
  const r = await cluster!.kubectl(args);
  console.log(`$ kubectl ${args.join(' ')}\n${(r.stdout || r.stderr).trimEnd()}`);
}

/**
 * The cluster runs with no route off the machine (hack/testenv/offline.sh), in a network namespace of its own: a
 * terminal outside it reaches the apiserver through a relay on the machine's loopback (test/support/host-port.ts).
 */
async function kubeconfigForMachine(c: TestCluster): Promise<string> {
  const shared = await shareWithMachine(c.ports.apiserver, c.dir);
  if (!shared || shared.port === c.ports.apiserver) return c.kubeconfigPath;
  const path = join(c.dir, 'machine.kubeconfig');
  writeFileSync(path, readFileSync(c.kubeconfigPath, 'utf8').replaceAll(c.server, `https://127.0.0.1:${shared.port}`));
  return path;
}

async function main(): Promise<void> {
  step('A local control plane shaped like an EKS cluster with EC2 and Fargate nodes (seed 001)');
  cluster = await startCluster({ preset: 'eks-mixed', name: 'demo', network: true });
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  const stacks = stackApi(cluster.kubeConfig);
  await show(['get', 'nodes', '-L', 'eks.amazonaws.com/compute-type,eks.amazonaws.com/nodegroup']);
  await cluster.setClusterUsage('kube-system-baseline', { namespaces: ['kube-system'] }, { cpu: '5m', memory: '30Mi' });

  step('Install the CRD, start the operator, apply examples/metricsstack.yaml');
  await installCrd(cluster);
  await runner.start(cluster.kubeconfigPath, 'demo-operator', ['--leader-elect', 'false', '--log-level', 'info']);
  await show(['apply', '-f', 'examples/metricsstack.yaml']);

  step('The operator deployed metrics-server; each of its pods runs the real metrics-server binary');
  let running: string[] = [];
  await until('metrics-server pods', async () => {
    const list = (await core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=metrics-server' })).items;
    running = list.filter((p) => p.status?.phase === 'Running' && p.status.podIP).map((p) => p.metadata!.name!);
    return running.length === 2;
  }, 60_000);
  for (const name of running) pods.push(await runPod(cluster, { namespace: 'kube-system', podName: name, binary: join(cluster.binDir, 'metrics-server') }));
  await show(['-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=metrics-server', '-o', 'wide']);

  step('The MetricsStack becomes Ready once the metrics API really answers');
  await until('Ready', async () => condition(await stacks.get('default'), 'Ready')?.status === 'True', 120_000);
  await show(['get', 'metricsstack']);
  const s = await stacks.get('default');
  console.log('\nconditions:');
  for (const c of s.status?.conditions ?? []) console.log(`  ${c.type.padEnd(22)} ${c.status.padEnd(6)} ${c.reason}: ${c.message}`);
  console.log('\nflags chosen for metrics-server (status.metricsServer.flags):');
  for (const f of s.status?.metricsServer?.flags ?? []) console.log(`  ${f.flag}=${f.value}\n      ${f.reason}`);

  step('kubectl top');
  await until('top nodes', async () => /^ip-\S+\s+\d+m/m.test((await cluster!.kubectl(['top', 'nodes'])).stdout), 90_000);
  await show(['top', 'nodes']);

  step('An HPA (averageUtilization 50%) on a Deployment requesting 100m CPU; simulated usage 20m per pod');
  await core.createNamespace({ body: { metadata: { name: 'shop' } } });
  await cluster.setClusterUsage('shop', { namespaces: ['shop'] }, { cpu: '20m', memory: '50Mi' });
  await createScaledWorkload(cluster.kubeConfig, { namespace: 'shop', name: 'web', cpuRequest: '100m', min: 1, max: 4, averageUtilization: 50 });
  await until('the HPA to see usage', async () => (await hpaState(cluster!.kubeConfig, 'shop', 'web')).utilization !== undefined, 90_000);
  await until('top pods', async () => /^web-\S+\s+\d+m/m.test((await cluster!.kubectl(['-n', 'shop', 'top', 'pods'])).stdout), 90_000);
  await show(['-n', 'shop', 'get', 'hpa']);
  await show(['-n', 'shop', 'top', 'pods']);

  step('Usage rises to 90m per pod (90%): the HPA scales out');
  await cluster.setClusterUsage('shop', { namespaces: ['shop'] }, { cpu: '90m', memory: '50Mi' });
  await until('scale-out', async () => (await hpaState(cluster!.kubeConfig, 'shop', 'web')).current === 4, 120_000);
  await show(['-n', 'shop', 'get', 'hpa']);

  step('Usage falls to 10m per pod: the HPA scales back in');
  await cluster.setClusterUsage('shop', { namespaces: ['shop'] }, { cpu: '10m', memory: '50Mi' });
  await until('scale-in', async () => (await hpaState(cluster!.kubeConfig, 'shop', 'web')).current === 1, 150_000);
  await show(['-n', 'shop', 'get', 'hpa']);

  if (process.stdin.isTTY) {
    step(`Demo running. KUBECONFIG=${await kubeconfigForMachine(cluster)} — try kubectl yourself; Ctrl-C stops everything`);
    await new Promise(() => undefined);
  }
  await shutdown(0);
}

main().catch(async (err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  await shutdown(1);
});
