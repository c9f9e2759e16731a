/**
 * `make demo`: a local cluster shaped like seed 001's EKS (2 EC2 + 3 Fargate nodes, each Fargate node running its one
 * pod), moto holding that EKS cluster and its Fargate profiles, the operator, the MetricsStack in examples/, the real
 * metrics-server binary running the pods the operator deployed (kept off Fargate), `kubectl top`, and an HPA scaling
 * on simulated CPU. Ctrl-C stops everything (and so does the end, when not run from a terminal).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { startCluster, type TestCluster } from '../test/support/cluster.js';
import { runOnFargateNodes } from '../test/support/fargate-pods.js';
import type { Moto } from '../test/support/moto.js';
import { shareWithMachine } from '../test/support/host-port.js';
import { installCrd } from '../test/support/crd.js';
import { OperatorRunner } from '../test/support/operator.js';
import { runPod, type RunningPod } from '../test/support/pod-runner.js';
import { condition, stackApi, until } from '../test/support/stacks.js';
import { createScaledWorkload, hpaState } from '../test/support/workload.js';
import { describeEks, startDemoAws } from './demo-aws.js';

const t0 = Date.now();
const step = (text: string) => console.log(`\n\x1b[1m== ${text}\x1b[0m  (+${((Date.now() - t0) / 1000).toFixed(0)} s)`);
let cluster: TestCluster | undefined;
let moto: Moto | undefined;
const runner = new OperatorRunner();
const pods: RunningPod[] = [];
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    step('Stopping: metrics-server pods, operator, cluster, moto');
    for (const p of pods) await p.stop();
    await runner.stop();
    await Promise.all([cluster?.stop(), moto?.stop()]);
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

/** moto's environment, with its endpoint as a terminal outside the namespace reaches it. */
async function awsForMachine(m: Moto, dir: string): Promise<Record<string, string>> {
  const port = Number(new URL(m.endpoint).port);
  const shared = await shareWithMachine(port, dir);
  // AWS CLI v1 reads the region only from AWS_DEFAULT_REGION.
  return { ...m.env, AWS_DEFAULT_REGION: m.env.AWS_REGION ?? 'us-east-1', AWS_ENDPOINT_URL: `http://127.0.0.1:${shared?.port ?? port}` };
}

async function main(): Promise<void> {
  step('A local control plane shaped like an EKS cluster with EC2 and Fargate nodes (seed 001), and moto as its AWS');
  // The apiserver publishes the moto cluster's OIDC issuer as its service-account issuer, as EKS's does.
  const awsUp = startDemoAws((m) => (moto = m));
  const issuer = awsUp.then((a) => a.seed.issuerUrl);
  const [c, aws] = await Promise.all([startCluster({ preset: 'eks-mixed', name: 'demo', network: true, serviceAccountIssuer: issuer }), awsUp]);
  cluster = c;
  const core = c.kubeConfig.makeApiClient(CoreV1Api);
  const stacks = stackApi(c.kubeConfig);
  await show(['get', 'nodes', '-L', 'eks.amazonaws.com/compute-type,eks.amazonaws.com/nodegroup']);
  await show(['get', '--raw', '/.well-known/openid-configuration']);
  await c.setClusterUsage('kube-system-baseline', { namespaces: ['kube-system'] }, { cpu: '5m', memory: '30Mi' });

  step('Fargate profile fp-default runs default\'s compute=fargate pods: one pod per Fargate node, as on EKS');
  await runOnFargateNodes(c.kubeConfig, { namespace: 'default', name: 'checkout', labels: { compute: 'fargate' }, profile: 'fp-default' });
  await c.setClusterUsage('checkout-on-fargate', { namespaces: ['default'] }, { cpu: '120m', memory: '300Mi' });
  await show(['-n', 'default', 'get', 'pods', '-o', 'wide']);

  step('Install the CRD, start the operator (AWS: moto), apply examples/metricsstack.yaml');
  await installCrd(c);
  await runner.start(c.kubeconfigPath, 'demo-operator', ['--leader-elect', 'false', '--log-level', 'info'], { env: aws.moto.env });
  await show(['apply', '-f', 'examples/metricsstack.yaml']);

  step('The operator deployed metrics-server; each of its pods runs the real metrics-server binary');
  let running: V1Pod[] = [];
  await until('metrics-server pods', async () => {
    const list = (await core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=metrics-server' })).items;
    running = list.filter((p) => p.status?.phase === 'Running' && p.status.podIP);
    return running.length === 2;
  }, 60_000);
  for (const p of running) pods.push(await runPod(c, { namespace: 'kube-system', podName: p.metadata!.name!, binary: join(c.binDir, 'metrics-server') }));
  await show(['-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=metrics-server', '-o', 'wide']);

  step('On EKS, fp-kube-system would have run metrics-server on Fargate; the operator kept it on EC2');
  for (const line of await describeEks(aws, { namespace: 'kube-system', labels: running[0]!.metadata?.labels ?? {} })) console.log(line);
  const placement = 'custom-columns=POD:.metadata.name,NODE:.spec.nodeName,COMPUTE-TYPE:.metadata.annotations.eks\\.amazonaws\\.com/compute-type';
  await show(['-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=metrics-server', '-o', placement]);

  step('The MetricsStack becomes Ready once the metrics API really answers, for every node (EC2 and Fargate)');
  await until('Ready', async () => condition(await stacks.get('default'), 'Ready')?.status === 'True', 120_000);
  // metrics-server on EC2 scrapes the Fargate nodes' kubelets too: only a Fargate pod's own node is out of its reach.
  const everyNode = async () => / 5 of 5 nodes/.test(condition(await stacks.get('default'), 'MetricsAPIAvailable')?.message ?? '');
  await until('metrics for every node', everyNode, 120_000);
  await show(['get', 'metricsstack']);
  const s = await stacks.get('default');
  console.log('\nconditions:');
  for (const x of s.status?.conditions ?? []) console.log(`  ${x.type.padEnd(22)} ${x.status.padEnd(6)} ${x.reason}: ${x.message}`);
  console.log(`\nstatus.platform: ${JSON.stringify(s.status?.platform)}`);
  console.log('\nflags chosen for metrics-server (status.metricsServer.flags):');
  for (const f of s.status?.metricsServer?.flags ?? []) console.log(`  ${f.flag}=${f.value}\n      ${f.reason}`);

  step('kubectl top');
  const withFigures = async () => ((await c.kubectl(['top', 'nodes', '--no-headers'])).stdout.match(/^\S+\s+\d+m/gm) ?? []).length;
  await until('top nodes: all 5 nodes', async () => await withFigures() === 5, 90_000);
  await show(['top', 'nodes']);

  step('An HPA (averageUtilization 50%) on a Deployment requesting 100m CPU; simulated usage 20m per pod');
  await core.createNamespace({ body: { metadata: { name: 'shop' } } });
  await c.setClusterUsage('shop', { namespaces: ['shop'] }, { cpu: '20m', memory: '50Mi' });
  await createScaledWorkload(c.kubeConfig, { namespace: 'shop', name: 'web', cpuRequest: '100m', min: 1, max: 4, averageUtilization: 50 });
  await until('the HPA to see usage', async () => (await hpaState(c.kubeConfig, 'shop', 'web')).utilization !== undefined, 90_000);
  await until('top pods', async () => /^web-\S+\s+\d+m/m.test((await c.kubectl(['-n', 'shop', 'top', 'pods'])).stdout), 90_000);
  await show(['-n', 'shop', 'get', 'hpa']);
  await show(['-n', 'shop', 'top', 'pods']);

  step('Usage rises to 90m per pod (90%): the HPA scales out');
  await c.setClusterUsage('shop', { namespaces: ['shop'] }, { cpu: '90m', memory: '50Mi' });
  await until('scale-out', async () => (await hpaState(c.kubeConfig, 'shop', 'web')).current === 4, 120_000);
  await show(['-n', 'shop', 'get', 'hpa']);

  step('Usage falls to 10m per pod: the HPA scales back in');
  await c.setClusterUsage('shop', { namespaces: ['shop'] }, { cpu: '10m', memory: '50Mi' });
  await until('scale-in', async () => (await hpaState(c.kubeConfig, 'shop', 'web')).current === 1, 150_000);
  await show(['-n', 'shop', 'get', 'hpa']);

  if (process.stdin.isTTY) {
    step(`Demo running. KUBECONFIG=${await kubeconfigForMachine(c)} — try kubectl yourself; Ctrl-C stops everything`);
    console.log(`AWS (moto): ${Object.entries(await awsForMachine(aws.moto, c.dir)).map(([k, v]) => `${k}=${v}`).join(' ')} ` +
      'aws eks list-fargate-profiles --cluster-name demo');
    await new Promise(() => undefined);
  }
  await shutdown(0);
}

main().catch(async (err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  await shutdown(1);
});
