/**
 * Cluster Autoscaler on EKS (seed 003) on the local control plane, the operator process talking to moto: the IRSA
 * annotation by server-side apply of that one field, IRSA checked end to end against moto's IAM, the ASG discovery
 * tags (checked through the SDK), and deploy: true rendering Cluster Autoscaler with the right flags and image.
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { AppsV1Api, CoreV1Api, RbacAuthorizationV1Api, type V1ServiceAccount } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsStack } from '../../src/api/v1alpha1/types.js';
import { clusterAutoscalerImage } from '../../src/reconcilers/cluster-autoscaler/asg-tags.js';
import { motoClientConfig, seedEks, seedEksCluster, type SeededCluster, type SeededEks } from '../support/aws-seed.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { installCrd } from '../support/crd.js';
import { startMoto, type Moto } from '../support/moto.js';
import { OperatorRunner, type OperatorProcess } from '../support/operator.js';
import { condition, stackApi, until } from '../support/stacks.js';

let cluster: TestCluster;
let moto: Moto;
let seed: SeededEks;
/** Another cluster named demo, in eu-west-1: moto gives it another OIDC issuer, so it is not this cluster. */
let west: SeededCluster;
let runner: OperatorRunner;
let op: OperatorProcess;
let stacks: ReturnType<typeof stackApi>;
let core: CoreV1Api;
const ca = (s: MetricsStack) => condition(s, 'ClusterAutoscalerReady');
const untilStack = (what: string, ok: (s: MetricsStack) => boolean, timeoutMs = 60_000) =>
  until(what, async () => ok(await stacks.get('default')), timeoutMs).catch(async (err: Error) => {
    throw new Error(`${err.message}\nstatus: ${JSON.stringify((await stacks.get('default')).status, null, 1)}`);
  });
/** metricsstack_aws_calls_total summed over operations, from the operator's /metrics. */
const awsCalls = async () => {
  const text = await (await fetch(op.metricsUrl)).text();
  return [...text.matchAll(/^metricsstack_aws_calls_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
};
const serviceAccount = () => core.readNamespacedServiceAccount({ name: 'cluster-autoscaler', namespace: 'kube-system' });
const asgTags = async (of: SeededCluster = seed) => {
  const asg = new AutoScalingClient(motoClientConfig(moto.endpoint, of.region));
  try {
    const out = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [of.asgName] }));
    return Object.fromEntries((out.AutoScalingGroups?.[0]?.Tags ?? []).map((t) => [t.Key, t.Value]));
  } finally {
    asg.destroy();
  }
};

beforeAll(async () => {
  // The apiserver publishes the seeded cluster's OIDC issuer, as EKS's does: the operator verifies it before AWS writes.
  const motoUp = startMoto();
  const seeded = motoUp.then((m) => seedEks(m.endpoint));
  [cluster, moto, seed] = await Promise.all([startCluster({ preset: 'eks-mixed', serviceAccountIssuer: seeded.then((x) => x.issuerUrl) }), motoUp, seeded]);
  west = await seedEksCluster(moto.endpoint, { region: 'eu-west-1' });
  stacks = stackApi(cluster.kubeConfig);
  core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  await installCrd(cluster);
  // The service account exists already, with an annotation of its own that must survive.
  await core.createNamespacedServiceAccount({
    namespace: 'kube-system',
    body: { metadata: { name: 'cluster-autoscaler', annotations: { 'example.com/team': 'platform' } } },
  });
  runner = new OperatorRunner();
  // The shortest resync the operator accepts, so the steady-state test sees resyncs within seconds.
  op = await runner.start(cluster.kubeconfigPath, 'op', ['--leader-elect', 'false', '--resync-period', '10s'], { env: moto.env });
});
afterAll(async () => {
  await runner?.stop();
  await Promise.all([cluster?.stop(), moto?.stop()]);
});

describe('Cluster Autoscaler on EKS', () => {
  it('annotates the existing service account with the role by SSA of that one field, keeping its other annotation', async () => {
    await stacks.create('default', { resourceMetrics: { provider: 'none' }, clusterAutoscaler: { roleARN: seed.caRole.arn } });
    await until('the role annotation', async () => (await serviceAccount()).metadata?.annotations?.['eks.amazonaws.com/role-arn'] === seed.caRole.arn);
    const sa: V1ServiceAccount = await serviceAccount();
    expect(sa.metadata?.annotations).toMatchObject({ 'example.com/team': 'platform', 'eks.amazonaws.com/role-arn': seed.caRole.arn });
    // Not ours: no ownership labels, and our field manager owns exactly the one annotation.
    expect(sa.metadata?.labels?.['metricsstack.io/owner']).toBeUndefined();
    const ours = sa.metadata?.managedFields?.filter((f) => f.manager === 'metricsstack-operator') ?? [];
    expect(ours.map((f) => f.fieldsV1)).toEqual([{ 'f:metadata': { 'f:annotations': { 'f:eks.amazonaws.com/role-arn': {} } } }]);
  });

  it('without manageASGTags, names the node group ASG that lacks the discovery tags and how to add them', async () => {
    await untilStack('ASGDiscoveryTagsMissing', (s) => ca(s)?.reason === 'ASGDiscoveryTagsMissing');
    const s = await stacks.get('default');
    expect(ca(s)?.status).toBe('False');
    expect(ca(s)?.message).toContain(`${seed.asgName} lacks the discovery tags k8s.io/cluster-autoscaler/enabled and k8s.io/cluster-autoscaler/demo`);
    expect(ca(s)?.message).toContain('manageASGTags: true');
    expect(s.status?.clusterAutoscaler?.autoScalingGroups).toEqual([{ name: seed.asgName, minSize: 1, maxSize: 4, desiredCapacity: 2, tagged: false }]);
    expect(await asgTags()).not.toHaveProperty('k8s.io/cluster-autoscaler/enabled');
  });

  it('with manageASGTags, adds the tags in AWS and reports IRSA OK for role cluster-autoscaler', async () => {
    await stacks.patchSpec('default', '/spec/clusterAutoscaler/manageASGTags', true);
    await untilStack('ClusterAutoscalerReady True', (s) => ca(s)?.status === 'True');
    const s = await stacks.get('default');
    expect(ca(s)?.reason).toBe('ClusterAutoscalerConfigured');
    expect(ca(s)?.message).toContain('IAM role cluster-autoscaler trusts kube-system/cluster-autoscaler');
    expect(s.status?.clusterAutoscaler).toEqual({
      roleARN: seed.caRole.arn,
      autoScalingGroups: [{ name: seed.asgName, minSize: 1, maxSize: 4, desiredCapacity: 2, tagged: true }],
    });
    expect(await asgTags())
      .toMatchObject({ 'k8s.io/cluster-autoscaler/enabled': 'true', 'k8s.io/cluster-autoscaler/demo': 'owned', 'eks:cluster-name': 'demo' });
  });

  it('tags no Auto Scaling group of an EKS cluster it cannot verify as this one (another issuer): ClusterIdentityUnverified', async () => {
    // eu-west-1's only cluster is named demo too: "the only cluster in the region" would pick it.
    await stacks.patchSpec('default', '/spec/cluster', { region: 'eu-west-1' });
    await untilStack('a pass on eu-west-1', (s) => s.status?.platform?.region === 'eu-west-1' &&
      s.status?.clusterAutoscaler?.autoScalingGroups?.[0]?.name === west.asgName);
    expect(await asgTags(west)).not.toHaveProperty('k8s.io/cluster-autoscaler/enabled');
    expect(await asgTags(west)).not.toHaveProperty('k8s.io/cluster-autoscaler/demo');
    const c = ca(await stacks.get('default'))!;
    expect(c).toMatchObject({ status: 'False', reason: 'ClusterIdentityUnverified' });
    expect(c.message).toContain(`EKS cluster demo in eu-west-1 has OIDC issuer ${west.issuerUrl}`);
    expect(c.message).toContain(`this cluster's service-account issuer is ${seed.issuerUrl}`);
    await stacks.patchSpec('default', '/spec/cluster', { region: 'us-east-1' });
    await untilStack('ClusterAutoscalerReady True again', (s) => ca(s)?.status === 'True');
  });

  it('names the trust-policy mismatch of role ca-wrong-sub: the sub expected and the sub found', async () => {
    await stacks.patchSpec('default', '/spec/clusterAutoscaler/roleARN', seed.wrongSubRole.arn);
    await untilStack('RoleTrustPolicyMismatch', (s) => ca(s)?.reason === 'RoleTrustPolicyMismatch');
    const c = ca(await stacks.get('default'))!;
    expect(c.status).toBe('False');
    expect(c.message).toContain('IAM role ca-wrong-sub');
    expect(c.message)
      .toContain('sub "system:serviceaccount:kube-system:cluster-autoscaler" expected, found "system:serviceaccount:default:cluster-autoscaler"');
    expect((await serviceAccount()).metadata?.annotations?.['example.com/team']).toBe('platform');
  });

  it('reports a trust policy whose Deny depends on the caller’s source IP as Unknown, naming the statement and the key', async () => {
    await stacks.patchSpec('default', '/spec/clusterAutoscaler/roleARN', seed.sourceIpDenyRole.arn);
    await untilStack('ClusterAutoscalerReady Unknown', (s) => ca(s)?.status === 'Unknown');
    const c = ca(await stacks.get('default'))!;
    expect(c.reason).toBe('RoleTrustPolicyMismatch');
    expect(c.message).toContain('Cannot verify that kube-system/cluster-autoscaler may assume IAM role ca-source-ip-deny');
    expect(c.message).toContain('Deny statement 2 (Sid "OnlyFromVpc") of the trust policy applies when NotIpAddress on "aws:SourceIp" holds');
  });

  it('deploy: true renders Cluster Autoscaler with auto-discovery, the scale-down settings and an image matching the cluster minor', async () => {
    await stacks.patchSpec('default', '/spec/clusterAutoscaler', {
      roleARN: seed.caRole.arn, manageASGTags: true, deploy: true, scaleDown: { unneededTime: '5m', utilizationThreshold: '0.6' },
    });
    const apps = cluster.kubeConfig.makeApiClient(AppsV1Api);
    const deployment = () => apps.readNamespacedDeployment({ name: 'cluster-autoscaler', namespace: 'kube-system' });
    await until('the Deployment', () => deployment().then(() => true, () => false));
    const eks = new EKSClient(motoClientConfig(moto.endpoint));
    const version = (await eks.send(new DescribeClusterCommand({ name: 'demo' }))).cluster?.version ?? '';
    eks.destroy();
    const d = await deployment();
    const c = d.spec?.template.spec?.containers[0];
    expect(c?.image).toBe(clusterAutoscalerImage(version));
    expect(c?.image).toMatch(new RegExp(`:v${version.replace('.', '\\.')}\\.\\d+$`));
    expect(c?.args).toEqual(expect.arrayContaining([
      '--cloud-provider=aws',
      '--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/demo',
      '--scale-down-enabled=true',
      '--scale-down-delay-after-add=10m',
      '--scale-down-unneeded-time=5m',
      '--scale-down-utilization-threshold=0.6',
    ]));
    expect(c?.env).toEqual([{ name: 'AWS_REGION', value: 'us-east-1' }]);
    expect(d.spec?.template.spec?.serviceAccountName).toBe('cluster-autoscaler');
    const rbac = cluster.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    expect((await rbac.readClusterRoleBinding({ name: 'cluster-autoscaler' })).roleRef.name).toBe('metricsstack:cluster-autoscaler');
    expect((await rbac.readNamespacedRoleBinding({ name: 'cluster-autoscaler', namespace: 'kube-system' })).roleRef.name)
      .toBe('metricsstack:cluster-autoscaler-status');
    await untilStack('Ready True', (s) => ca(s)?.status === 'True' && condition(s, 'ResourcesApplied')?.status === 'True');
    expect(ca(await stacks.get('default'))?.message).toContain(`Cluster Autoscaler ${clusterAutoscalerImage(version)} is deployed in kube-system`);
  });

  it('steady state: resyncs make no AWS call and no API write while nothing changes', async () => {
    const apps = cluster.kubeConfig.makeApiClient(AppsV1Api);
    const versions = async () => [
      (await stacks.get('default')).metadata?.resourceVersion,
      // generation: the controller-manager keeps writing the Deployment's status, which is not our write.
      (await apps.readNamespacedDeployment({ name: 'cluster-autoscaler', namespace: 'kube-system' })).metadata?.generation,
      (await serviceAccount()).metadata?.resourceVersion,
    ];
    const [calls, reconciles, before] = [await awsCalls(), await op.reconciles(), await versions()];
    expect(calls).toBeGreaterThan(0);
    await until('two more resyncs', async () => (await op.reconciles()) >= reconciles + 2, 30_000);
    expect(await awsCalls()).toBe(calls);
    expect(await versions()).toEqual(before);
  });

  it('keeps Cluster Autoscaler when a pass cannot tell which EKS cluster this is (a region with no cluster): pruning needs a positive statement', async () => {
    const apps = cluster.kubeConfig.makeApiClient(AppsV1Api);
    const rbac = cluster.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    const uids = async () => [
      (await apps.readNamespacedDeployment({ name: 'cluster-autoscaler', namespace: 'kube-system' })).metadata?.uid,
      (await rbac.readClusterRoleBinding({ name: 'cluster-autoscaler' })).metadata?.uid,
      (await rbac.readNamespacedRoleBinding({ name: 'cluster-autoscaler', namespace: 'kube-system' })).metadata?.uid,
    ];
    const before = await uids();
    expect(before.every(Boolean)).toBe(true);
    // moto has no EKS cluster in us-west-2: "the account's only cluster" finds none, so the pass cannot say what
    // Cluster Autoscaler needs. That is "unknown", which must keep last pass's objects, not "nothing wanted".
    await stacks.patchSpec('default', '/spec/cluster', { region: 'us-west-2' });
    await untilStack('ClusterUnknown', (s) => ca(s)?.reason === 'ClusterUnknown');
    const reconciles = await op.reconciles();
    await until('two more passes', async () => (await op.reconciles()) >= reconciles + 2, 30_000);
    expect(await uids().catch((err: Error) => [`gone: ${err.message}`])).toEqual(before);
    const inventory = (await stacks.get('default')).status?.inventory?.map((i) => `${i.kind}/${i.name}`) ?? [];
    expect(inventory)
      .toEqual(expect.arrayContaining(['Deployment/cluster-autoscaler', 'ClusterRoleBinding/cluster-autoscaler', 'RoleBinding/cluster-autoscaler']));
    expect(op.logs()).not.toMatch(/pruning objects no longer wanted[^\n]*cluster-autoscaler/);
    await stacks.patchSpec('default', '/spec/cluster', { region: 'us-east-1' });
    await untilStack('ClusterAutoscalerReady True again', (s) => ca(s)?.status === 'True');
    expect(await uids()).toEqual(before);
  });

  it('on deletion removes the Deployment and bindings it made, and leaves the user’s service account in place', async () => {
    await stacks.delete('default');
    await until('default gone', async () => !(await stacks.exists('default')));
    const apps = cluster.kubeConfig.makeApiClient(AppsV1Api);
    expect(await apps.readNamespacedDeployment({ name: 'cluster-autoscaler', namespace: 'kube-system' }).then(() => true, () => false)).toBe(false);
    expect((await serviceAccount()).metadata?.annotations?.['example.com/team']).toBe('platform');
  });
});
