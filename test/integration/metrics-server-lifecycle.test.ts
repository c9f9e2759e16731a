import { AppsV1Api, CustomObjectsApi, RbacAuthorizationV1Api, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, PLURAL, VERSION, type MetricsStack } from '../../src/api/v1alpha1/types.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { installCrd } from '../support/crd.js';
import { OperatorRunner } from '../support/operator.js';
import { condition, until } from '../support/stacks.js';

let cluster: TestCluster;
let custom: CustomObjectsApi;
let apps: AppsV1Api;
let rbac: RbacAuthorizationV1Api;
let runner: OperatorRunner;
const ref = { group: GROUP, version: VERSION, plural: PLURAL };
const get = (name: string) => custom.getClusterCustomObject({ ...ref, name }) as Promise<MetricsStack>;
const cond = condition;
const create = (name: string, spec: unknown) =>
  custom.createClusterCustomObject({ ...ref, body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'MetricsStack', metadata: { name }, spec } });
const patchSpec = (name: string, path: string, value: unknown) => custom.patchClusterCustomObject({ ...ref, name, body: [{ op: 'add', path, value }] });
const deployment = () => apps.readNamespacedDeployment({ name: 'metrics-server', namespace: 'kube-system' });
const exists = (p: Promise<unknown>) => p.then(() => true, () => false);
const args = (d: V1Deployment) => d.spec?.template.spec?.containers[0]?.args ?? [];

beforeAll(async () => {
  cluster = await startCluster({ preset: 'eks-mixed' });
  custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
  apps = cluster.kubeConfig.makeApiClient(AppsV1Api);
  rbac = cluster.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  await installCrd(cluster);
  runner = new OperatorRunner();
  await runner.start(cluster.kubeconfigPath, 'op', ['--leader-elect', 'false']);
});
afterAll(async () => {
  await runner?.stop();
  await cluster?.stop();
});

describe('metrics-server on a simulated EKS cluster with EC2 and Fargate nodes', () => {
  it('deploys metrics-server with flags computed from the cluster and says why', async () => {
    await create('default', { metricsServer: { kubeletTLS: 'Insecure' } });
    await until('the Deployment', () => exists(deployment()));
    const d = await deployment();
    expect(args(d)).toEqual(expect.arrayContaining(['--secure-port=10251', '--kubelet-use-node-status-port', '--metric-resolution=15s',
      '--kubelet-insecure-tls']));
    expect(d.spec?.template.metadata?.annotations?.['eks.amazonaws.com/compute-type']).toBe('ec2');
    await until('status with platform and flags', async () => (await get('default')).status?.metricsServer?.securePort === 10251);
    const s = await get('default');
    expect(s.status?.platform).toMatchObject({ kind: 'EKS', region: 'us-east-1', ec2Nodes: 2, fargateNodes: 3 });
    const port = s.status?.metricsServer?.flags?.find((f) => f.flag === '--secure-port');
    expect(port?.reason).toMatch(/3 Fargate nodes.*10251/);
    expect(cond(s, 'ResourcesApplied')).toMatchObject({ status: 'True', reason: 'Applied' });
  });

  it('issues a serving certificate and puts its CA in the APIService instead of skipping TLS verification', async () => {
    const r = await cluster.kubectl(['get', 'apiservice', 'v1beta1.metrics.k8s.io', '-o', 'json']);
    const api = JSON.parse(r.stdout);
    expect(api.spec.insecureSkipTLSVerify ?? false).toBe(false);
    expect(Buffer.from(api.spec.caBundle, 'base64').toString()).toContain('BEGIN CERTIFICATE');
    expect(api.spec.service).toMatchObject({ name: 'metrics-server', namespace: 'kube-system', port: 443 });
  });

  it('mirrors the aggregator: no metrics-server answers here, so MetricsAPIAvailable is False with its reason and Ready follows', async () => {
    // Unknown (Starting) for two metric resolutions + 30 s after the rollout (backends/starting.ts), then False.
    await until('MetricsAPIAvailable False', async () => cond(await get('default'), 'MetricsAPIAvailable')?.status === 'False', 120_000);
    const s = await get('default');
    const c = cond(s, 'MetricsAPIAvailable')!;
    expect(['FailedDiscoveryCheck', 'MissingEndpoints']).toContain(c.reason);
    expect(c.message).toContain('v1beta1.metrics.k8s.io is not Available');
    expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: c.reason });
  }, 150_000);

  it('names the endpoint the aggregator could not reach (a pod IP with no route here), never a stranger\'s certificate', async () => {
    // The test processes run with no route off the machine (hack/testenv/offline.sh): the aggregator's dial to the
    // simulated pod IP fails at once instead of leaving through a default route.
    const reached = /could not reach (10\.0\.\d+\.\d+):10251 \(network is unreachable\)/;
    await until('MetricsAPIAvailable names the endpoint', async () => reached.test(cond(await get('default'), 'MetricsAPIAvailable')?.message ?? ''), 60_000);
    const c = cond(await get('default'), 'MetricsAPIAvailable')!;
    expect(c).toMatchObject({ status: 'False', reason: 'FailedDiscoveryCheck' });
    expect(c.message).not.toMatch(/x509|certificate is valid for/);
    const pods = await cluster.kubectl(['-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=metrics-server', '-o', 'jsonpath={.items[*].status.podIP}']);
    expect(pods.stdout.split(' ')).toContain(reached.exec(c.message)![1]);
  });

  it('restores a deleted ClusterRole and a hand-edited Deployment', async () => {
    await rbac.deleteClusterRole({ name: 'system:metrics-server' });
    await cluster.kubectl(['-n', 'kube-system', 'patch', 'deployment', 'metrics-server', '--type=json', '-p',
      '[{"op":"replace","path":"/spec/template/spec/containers/0/args","value":["--kubelet-insecure-tls=false"]}]']);
    await until('the ClusterRole back', () => exists(rbac.readClusterRole({ name: 'system:metrics-server' })));
    await until('the args back', async () => args(await deployment()).includes('--secure-port=10251'));
  });

  it('rolls a spec change out and prunes the PodDisruptionBudget when scaled to one replica', async () => {
    await until('a PDB for 2 replicas', async () => (await cluster.kubectl(['-n', 'kube-system', 'get', 'pdb', 'metrics-server'])).code === 0);
    await patchSpec('default', '/spec/metricsServer/replicas', 1);
    await until('1 replica', async () => (await deployment()).spec?.replicas === 1);
    await until('the PDB gone', async () => (await cluster.kubectl(['-n', 'kube-system', 'get', 'pdb', 'metrics-server'])).code !== 0);
  });

  it('gives a second MetricsStack a Conflict and changes nothing', async () => {
    // Generation and spec, not resourceVersion: the controller-manager keeps updating the Deployment's status.
    const snapshot = (d: V1Deployment) => JSON.stringify({ generation: d.metadata?.generation, labels: d.metadata?.labels, spec: d.spec });
    const before = snapshot(await deployment());
    await create('second', {});
    await until('the Conflict', async () => cond(await get('second'), 'ResourcesApplied')?.reason === 'Conflict');
    const s = await get('second');
    expect(cond(s, 'ResourcesApplied')?.message).toContain('belongs to MetricsStack "default"');
    expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: 'Conflict' });
    expect(snapshot(await deployment())).toBe(before);
    await custom.deleteClusterCustomObject({ ...ref, name: 'second' });
    await until('second gone', async () => !(await exists(get('second'))));
    expect(await exists(deployment())).toBe(true);
  });

  it('stops managing an object someone else took over: reports it, does not prune it, and leaves it on delete', async () => {
    // As Helm's --take-ownership or a hand relabel would: the aggregated reader ClusterRole is no longer ours.
    const r = await cluster.kubectl(['label', 'clusterrole', 'system:metrics-server-aggregated-reader', 'app.kubernetes.io/managed-by=Helm',
      'metricsstack.io/owner-', '--overwrite']);
    expect(r.code, r.stderr).toBe(0);
    await patchSpec('default', '/spec/metricsServer/metricResolution', '20s');
    await until('the Conflict', async () => cond(await get('default'), 'ResourcesApplied')?.reason === 'Conflict');
    expect(cond(await get('default'), 'ResourcesApplied')?.message)
      .toMatch(/ClusterRole system:metrics-server-aggregated-reader already exists and is managed by/);
    expect(await exists(rbac.readClusterRole({ name: 'system:metrics-server-aggregated-reader' }))).toBe(true);
  });

  it('deletes everything it created when the MetricsStack is deleted (deletionPolicy Delete)', async () => {
    const inventory = (await get('default')).status?.inventory ?? [];
    expect(inventory.map((i) => i.kind)).toEqual(expect.arrayContaining(['APIService', 'ClusterRole', 'Deployment', 'Secret', 'Service', 'ServiceAccount']));
    expect(inventory.map((i) => i.name)).toContain('system:metrics-server-aggregated-reader');
    await custom.deleteClusterCustomObject({ ...ref, name: 'default' });
    await until('default gone', async () => !(await exists(get('default'))));
    expect(await exists(deployment())).toBe(false);
    // Taken over by "Helm" in the test above: not ours any more, so not deleted.
    expect(await exists(rbac.readClusterRole({ name: 'system:metrics-server-aggregated-reader' }))).toBe(true);
    await rbac.deleteClusterRole({ name: 'system:metrics-server-aggregated-reader' });
    expect((await cluster.kubectl(['get', 'apiservice', 'v1beta1.metrics.k8s.io'])).code).not.toBe(0);
    expect(await exists(rbac.readClusterRole({ name: 'system:metrics-server' }))).toBe(false);
  });

  it('leaves metrics-server running without ownership labels under deletionPolicy Orphan', async () => {
    await create('orphan', { deletionPolicy: 'Orphan', metricsServer: { kubeletTLS: 'Insecure' } });
    await until('the Deployment', () => exists(deployment()));
    await until('inventory recorded', async () => ((await get('orphan')).status?.inventory?.length ?? 0) > 5);
    await custom.deleteClusterCustomObject({ ...ref, name: 'orphan' });
    await until('orphan gone', async () => !(await exists(get('orphan'))));
    const d = await deployment();
    expect(d.metadata?.labels?.['metricsstack.io/owner']).toBeUndefined();
    expect(d.metadata?.labels?.['app.kubernetes.io/managed-by']).toBeUndefined();
  });

  it('refuses to build on a serving-certificate Secret it does not own: Conflict, and no pods or APIService', async () => {
    await cluster.kubectl(['create', 'namespace', 'other']);
    const made = await cluster.kubectl(['-n', 'other', 'create', 'secret', 'generic', 'metrics-server-serving-cert', '--from-literal=tls.crt=x',
      '--field-manager=helm']);
    expect(made.code, made.stderr).toBe(0);
    await create('foreign-cert', { metricsServer: { namespace: 'other', kubeletTLS: 'Insecure' } });
    await until('the Conflict', async () => cond(await get('foreign-cert'), 'MetricsAPIAvailable')?.reason === 'Conflict');
    expect(cond(await get('foreign-cert'), 'MetricsAPIAvailable')?.message)
      .toMatch(/Secret other\/metrics-server-serving-cert already exists and belongs to helm/);
    expect(await exists(apps.readNamespacedDeployment({ name: 'metrics-server', namespace: 'other' }))).toBe(false);
    const secret = await cluster.kubectl(['-n', 'other', 'get', 'secret', 'metrics-server-serving-cert', '-o', 'jsonpath={.data.tls\\.crt}']);
    expect(secret.stdout).toBe(Buffer.from('x').toString('base64'));
  });
});
