/**
 * Restart mid-operation (issue 15), serving certificate: the leading operator is frozen (SIGSTOP) at the very request
 * that writes metrics-server's serving-cert Secret, then SIGKILLed, and the standby takes the lease. The moment is caught
 * by a validating admission webhook (admission-pause.ts) the apiserver calls while the operator waits for its answer:
 * the Secret is stored, and nothing the operator meant to write after it has been sent. The real metrics-server runs
 * each pod of the Deployment, so MetricsAPIAvailable True means the aggregator trusts what the pods really serve.
 */
import { join } from 'node:path';
import { ApiregistrationV1Api, CoordinationV1Api, CoreV1Api, AppsV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admissionPause, type AdmissionPause, type AdmittedWrite } from '../support/admission-pause.js';
import { certsOf } from '../support/ca-trust.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { installCrd } from '../support/crd.js';
import { OperatorRunner, type OperatorProcess } from '../support/operator.js';
import { PodSupervisor } from '../support/pod-supervisor.js';
import { condition, stackApi, until } from '../support/stacks.js';

const fast = ['--leader-elect', 'true', '--leader-election-lease-duration', '4s', '--leader-election-renew-deadline', '3s',
  '--leader-election-retry-period', '500ms'];
const SECRET = { namespace: 'kube-system', name: 'metrics-server-serving-cert' };
const API = 'v1beta1.metrics.k8s.io';

let cluster: TestCluster;
let gate: AdmissionPause;
let metricsServers: PodSupervisor;
const runner = new OperatorRunner();
const stacks = () => stackApi(cluster.kubeConfig);
const secret = () => cluster.kubeConfig.makeApiClient(CoreV1Api).readNamespacedSecret(SECRET).catch(() => undefined);
const apiService = () => cluster.kubeConfig.makeApiClient(ApiregistrationV1Api).readAPIService({ name: API }).catch(() => undefined);
const holder = async () => (await cluster.kubeConfig.makeApiClient(CoordinationV1Api)
  .readNamespacedLease({ name: 'metricsstack-operator', namespace: 'default' }).catch(() => undefined))?.spec?.holderIdentity;
const fingerprints = (b64: string | undefined) => certsOf(b64).map((c) => c.fingerprint256);
const pendingCA = async () => fingerprints((await cluster.kubeConfig.makeApiClient(CoreV1Api)
  .readNamespacedSecret({ namespace: SECRET.namespace, name: `${SECRET.name}-pending` }).catch(() => undefined))?.data?.['ca.crt']);
// Pruned by a later pass: a Ready stack requeues every 120 s, so the wait covers one requeue.
const pendingPruned = () => until('the pending Secret pruned', async () => (await pendingCA()).length === 0, 150_000);
const secretCA = async () => fingerprints((await secret())?.data?.['ca.crt']);
const bundle = async () => fingerprints((await apiService())?.spec?.caBundle);
const metricsAPI = async () => condition(await stacks().get('default'), 'MetricsAPIAvailable');
const deployment = () => cluster.kubeConfig.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: 'kube-system', name: 'metrics-server' });
/** The Deployment is past `generation` and every pod runs its template. */
const rolledPast = async (generation: number) => {
  const d = await deployment();
  return d.metadata!.generation! > generation && d.status?.observedGeneration === d.metadata!.generation &&
    d.status?.updatedReplicas === 1 && d.status.replicas === 1;
};
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const secretWrites = () => gate.writes.filter((w) => w.kind === 'Secret');
/** The caBundles written to the APIService, in order, each a list of CA fingerprints; repeats of the same one folded. */
const bundlesWritten = (since: number) => gate.writes.filter((w) => w.kind === 'APIService' && w.at >= since)
  .map((w) => fingerprints(w.object.spec?.caBundle).join(',')).filter((b, i, all) => b !== all[i - 1]).map((b) => b.split(','));

const standby = async (identity: string): Promise<OperatorProcess> => {
  const op = await runner.start(cluster.kubeconfigPath, identity, fast);
  await until(`${identity} to stand by`, async () => (await fetch(`${op.healthUrl}/readyz`).catch(() => undefined))?.status === 200);
  return op;
};
/** SIGKILLs the frozen `op` and waits for `next` to take the lease: the kill time and how long that took. */
const killAndTakeOver = async (op: OperatorProcess, next: string): Promise<{ killedAt: number; ledMs: number }> => {
  op.signal('SIGKILL');
  const killedAt = Date.now();
  await op.proc.exit;
  await until(`${next} to lead`, async () => (await holder()) === next, 15_000);
  return { killedAt, ledMs: Date.now() - killedAt };
};
/** Freezes `op` at the next write of the Secret, and resolves once that write is stored. */
const freezeAtSecretWrite = (op: OperatorProcess): Promise<AdmittedWrite> => new Promise((done) => {
  gate.onWrite = (w) => {
    if (w.kind !== 'Secret') return;
    op.signal('SIGSTOP');
    gate.onWrite = () => undefined;
    void until('the Secret stored', async () => (await secret()) !== undefined && secretWrites().includes(w)).then(() => done(w));
  };
});
const metricsApiTrue = () => until('MetricsAPIAvailable True', async () => (await metricsAPI())?.status === 'True', 180_000)
  .catch(async (err: Error) => { throw new Error(`${err.message}: ${JSON.stringify(await metricsAPI())}`); });

beforeAll(async () => {
  cluster = await startCluster({ preset: 'eks-mixed', name: 'restart-cert', network: true });
  await installCrd(cluster);
  await cluster.setClusterUsage('kube-system-baseline', { namespaces: ['kube-system'] }, { cpu: '5m', memory: '30Mi' });
  gate = await admissionPause(cluster, { resources: [{ group: '', resource: 'secrets' }, { group: 'apiregistration.k8s.io', resource: 'apiservices' }],
    names: [SECRET.name, API] });
  // The apiserver picks the webhook up from its own watch: wait until a server-side dry run reaches it.
  const probe = ['-n', SECRET.namespace, 'create', 'secret', 'generic', SECRET.name, '--dry-run=server'];
  await until('the webhook called', async () => (await cluster.kubectl(probe)).code === 0 && gate.writes.length > 0);
  gate.writes.length = 0;
  metricsServers = new PodSupervisor(cluster, { namespace: 'kube-system', labelSelector: 'k8s-app=metrics-server',
    run: { binary: join(cluster.binDir, 'metrics-server') } }).start();
});
afterAll(async () => {
  await runner.stop();
  await metricsServers?.stop();
  await gate?.close();
  await cluster?.stop();
});

describe('an operator killed between the serving-cert Secret write and the APIService write', () => {
  let b: OperatorProcess;
  it('first install: the standby applies the APIService with the stored Secret\'s CA, issues nothing, and the metrics API answers', async () => {
    const a = await runner.start(cluster.kubeconfigPath, 'op-a', fast);
    await until('op-a to lead', async () => (await holder()) === 'op-a');
    b = await standby('op-b');
    const frozen = freezeAtSecretWrite(a);
    await stacks().create('default', { metricsServer: { kubeletTLS: 'Insecure', replicas: 1 } });
    const write = await frozen;
    expect(await apiService(), 'the window: Secret stored, APIService not yet written').toBeUndefined();
    const stored = (await secret())!.metadata!.resourceVersion;
    const { killedAt, ledMs } = await killAndTakeOver(a, 'op-b');
    await until('APIService caBundle = the Secret\'s CA', async () => (await bundle()).join() === (await secretCA()).join(), 60_000);
    const apiMs = Date.now() - killedAt;
    await metricsApiTrue();
    const availableMs = Date.now() - killedAt;

    expect((await secretCA())).toHaveLength(1);
    expect((await secret())!.metadata!.resourceVersion, 'the Secret op-a stored is kept').toBe(stored);
    expect(secretWrites(), 'one Secret write, by op-a').toEqual([write]);
    expect(bundlesWritten(0)).toEqual([await secretCA()]);
    console.log(`[restart-cert] first install: op-a frozen at its Secret write and SIGKILLed; op-b led after ${secs(ledMs)}, ` +
      `APIService with the Secret's CA after ${secs(apiMs)}, MetricsAPIAvailable True after ${secs(availableMs)}`);
  }, 300_000);

  let c: OperatorProcess;
  it('rotation: the standby finishes the rotation op-b began, with op-b\'s certificate, one rollout, then the new CA alone', async () => {
    c = await standby('op-c');
    const generation = (await deployment()).metadata!.generation!;
    const oldCA = await secretCA();
    const frozen = freezeAtSecretWrite(b);
    const since = Date.now();
    expect((await cluster.kubectl(['-n', SECRET.namespace, 'delete', 'secret', SECRET.name])).code).toBe(0);
    const write = await frozen;
    const newCA = await secretCA();
    expect(newCA).toHaveLength(1);
    expect(newCA).not.toEqual(oldCA);
    expect(await bundle(), 'the new CA was published before the Secret switched; the old one stays').toEqual([...newCA, ...oldCA]);
    const stored = (await secret())!.metadata!.resourceVersion;
    const { killedAt, ledMs } = await killAndTakeOver(b, 'op-c');
    await until('the Deployment rolled out', () => rolledPast(generation), 120_000);
    await until('the caBundle is the new CA alone', async () => (await bundle()).join() === newCA.join(), 120_000);
    const droppedMs = Date.now() - killedAt;
    await metricsApiTrue();
    const availableMs = Date.now() - killedAt;

    expect((await secret())!.metadata!.resourceVersion, 'op-b\'s certificate is kept: no second issue').toBe(stored);
    expect(secretWrites().filter((w) => w.at >= since), 'one Secret write, by op-b').toEqual([write]);
    expect(bundlesWritten(since), 'caBundles written: publish, then drop the old CA; no third CA').toEqual([[...newCA, ...oldCA], newCA]);
    expect((await deployment()).metadata!.generation, 'one rollout').toBe(generation + 1);
    expect(c.logs()).not.toContain('issued a metrics-server serving certificate');
    await pendingPruned();
    console.log(`[restart-cert] rotation: op-b frozen at its Secret write and SIGKILLed; op-c led after ${secs(ledMs)}, ` +
      `rolled out and dropped the old CA after ${secs(droppedMs)}, MetricsAPIAvailable True after ${secs(availableMs)}`);
  }, 600_000);

  it('rotation, killed between publishing the new CA and the Secret write: the standby serves the published CA, issues none', async () => {
    const d = await standby('op-d');
    const generation = (await deployment()).metadata!.generation!;
    const oldCA = await secretCA();
    const since = Date.now();
    const published = new Promise<AdmittedWrite>((done) => {
      gate.onWrite = (w) => {
        if (w.kind !== 'APIService' || fingerprints(w.object.spec?.caBundle).length < 2) return;
        c.signal('SIGSTOP');
        gate.onWrite = () => undefined;
        void until('the publish stored', async () => (await bundle()).length === 2).then(() => done(w));
      };
    });
    expect((await cluster.kubectl(['-n', SECRET.namespace, 'delete', 'secret', SECRET.name])).code).toBe(0);
    const publish = await published;
    const [newCA, ...kept] = fingerprints(publish.object.spec?.caBundle);
    expect(kept, 'the old CA stays published').toEqual(oldCA);
    expect(await secretCA(), 'the window: new CA published, Secret not yet written').toEqual([]);
    expect(await pendingCA(), 'the new certificate waits in the pending Secret').toEqual([newCA]);
    const { killedAt, ledMs } = await killAndTakeOver(c, 'op-d');
    await until('the Deployment rolled out', () => rolledPast(generation), 120_000);
    await until('the caBundle is the Secret\'s CA alone', async () => (await bundle()).join() === (await secretCA()).join(), 120_000);
    const droppedMs = Date.now() - killedAt;
    await metricsApiTrue();
    const availableMs = Date.now() - killedAt;

    expect(await secretCA(), 'the Secret holds the certificate whose CA op-c published').toEqual([newCA]);
    expect(bundlesWritten(since), 'caBundles written: publish, then drop the old CA; no third CA').toEqual([[newCA!, ...oldCA], [newCA!]]);
    expect((await deployment()).metadata!.generation, 'one rollout').toBe(generation + 1);
    expect(d.logs()).not.toContain('issued a metrics-server serving certificate');
    expect(d.logs()).toContain('serving the pending metrics-server certificate issued before a restart');
    await pendingPruned();
    console.log(`[restart-cert] rotation: op-c frozen at its APIService publish and SIGKILLed; op-d led after ${secs(ledMs)}, ` +
      `rolled out and dropped the old CA after ${secs(droppedMs)}, MetricsAPIAvailable True after ${secs(availableMs)}`);
  }, 600_000);
});
