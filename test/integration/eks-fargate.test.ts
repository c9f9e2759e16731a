/**
 * Fargate placement of metrics-server (seed 001) on the local control plane with EKS-shaped nodes, the operator
 * process talking to moto for the Fargate profiles. moto makes profiles ACTIVE at once and deletes them at once (see
 * aws-seed.ts), so RecreateProfile runs here without Wait steps; the one-profile-DELETING rule is covered with a fake
 * EKS port in test/unit/reconcilers/fargate-recreate.test.ts.
 */
import {
  CreateFargateProfileCommand, DeleteFargateProfileCommand, DescribeFargateProfileCommand, EKSClient, ListFargateProfilesCommand,
} from '@aws-sdk/client-eks';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsStack } from '../../src/api/v1alpha1/types.js';
import { motoClientConfig, seedEks, seedEksCluster, type SeededEks } from '../support/aws-seed.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { installCrd } from '../support/crd.js';
import { startMoto, type Moto } from '../support/moto.js';
import { OperatorRunner } from '../support/operator.js';
import { condition, stackApi, until } from '../support/stacks.js';

const MS = { kubeletTLS: 'Insecure' };
const fargate = (s: MetricsStack) => condition(s, 'FargatePlacementSafe');

describe('metrics-server on EKS with EC2 and Fargate nodes (eks-mixed)', () => {
  let cluster: TestCluster;
  let moto: Moto;
  let seed: SeededEks;
  let runner: OperatorRunner;
  let eks: EKSClient;
  let stacks: ReturnType<typeof stackApi>;
  const startOperator = (id: string) => runner.start(cluster.kubeconfigPath, id, ['--leader-elect', 'false'], { env: moto.env });
  const profileNames = async (client = eks) =>
    ((await client.send(new ListFargateProfilesCommand({ clusterName: seed.clusterName }))).fargateProfileNames ?? []).sort();
  const recreate = (dryRun: boolean, ...profiles: unknown[]) =>
    stacks.patchSpec('default', '/spec/fargate', { strategy: 'RecreateProfile', recreateProfile: { dryRun, profiles } });
  const until$ = (what: string, ok: (s: MetricsStack) => boolean, timeoutMs = 60_000) =>
    until(what, async () => ok(await stacks.get('default')), timeoutMs).catch(async (err: Error) => {
      throw new Error(`${err.message}\nstatus: ${JSON.stringify((await stacks.get('default')).status, null, 1)}`);
    });

  beforeAll(async () => {
    // The apiserver publishes the seeded cluster's OIDC issuer, as EKS's does: the operator verifies it before AWS writes.
    const motoUp = startMoto();
    const seeded = motoUp.then((m) => seedEks(m.endpoint));
    [cluster, moto, seed] = await Promise.all([startCluster({ preset: 'eks-mixed', serviceAccountIssuer: seeded.then((x) => x.issuerUrl) }), motoUp, seeded]);
    // Another cluster named demo, in another region: moto gives it another issuer, so it is not this cluster.
    await seedEksCluster(moto.endpoint, { region: 'eu-west-1' });
    eks = new EKSClient(motoClientConfig(moto.endpoint));
    stacks = stackApi(cluster.kubeConfig);
    await installCrd(cluster);
    runner = new OperatorRunner();
    await startOperator('op');
  });
  afterAll(async () => {
    eks?.destroy();
    await runner?.stop();
    await Promise.all([cluster?.stop(), moto?.stop()]);
  });

  it('Annotate: annotates and keeps metrics-server off Fargate, then verifies the pods really run on EC2', async () => {
    await stacks.create('default', { metricsServer: MS });
    await until$('FargatePlacementSafe True', (s) => fargate(s)?.status === 'True');
    const s = await stacks.get('default');
    expect(fargate(s)).toMatchObject({ reason: 'PodsOnEC2' });
    // fp-kube-system selects every pod in kube-system: the annotation is what keeps metrics-server on EC2 there.
    expect(fargate(s)?.message).toContain('fp-kube-system (namespace kube-system)');
    expect(s.status?.platform).toMatchObject({ kind: 'EKS', clusterName: 'demo', region: 'us-east-1' });
    const pods = await cluster.kubeConfig.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=metrics-server' });
    expect(pods.items.length).toBeGreaterThan(0);
    for (const p of pods.items) {
      expect(p.spec?.nodeName).toMatch(/^ip-10-0-1-/);
      expect(p.metadata?.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'metricsstack-operator', 'metricsstack.io/owner': 'default' });
      expect(p.metadata?.annotations?.['eks.amazonaws.com/compute-type']).toBe('ec2');
    }
  });

  it('reports a metrics-server pod that landed on a Fargate node by name, and clears once it is gone', async () => {
    const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    const fargateNode = (await core.listNode()).items.find((n) => n.metadata?.name?.startsWith('fargate-'))!.metadata!.name!;
    await core.createNamespacedPod({
      namespace: 'kube-system',
      body: {
        metadata: {
          name: 'metrics-server-on-fargate',
          labels: { 'k8s-app': 'metrics-server', 'app.kubernetes.io/managed-by': 'metricsstack-operator', 'metricsstack.io/owner': 'default' },
        },
        spec: {
          nodeName: fargateNode,
          tolerations: [{ key: 'eks.amazonaws.com/compute-type', operator: 'Exists' }],
          containers: [{ name: 'metrics-server', image: 'registry.k8s.io/metrics-server/metrics-server:v0.8.0' }],
        },
      },
    });
    await until$('PodsOnFargate', (s) => fargate(s)?.reason === 'PodsOnFargate');
    expect(fargate(await stacks.get('default'))?.message).toContain(`kube-system/metrics-server-on-fargate (node ${fargateNode})`);
    await core.deleteNamespacedPod({ name: 'metrics-server-on-fargate', namespace: 'kube-system', gracePeriodSeconds: 0 });
    await until$('back to PodsOnEC2', (s) => fargate(s)?.reason === 'PodsOnEC2');
  });

  it('Namespace: refuses a namespace a Fargate profile selects, naming the profile, and runs in one no profile selects', async () => {
    await stacks.patchSpec('default', '/spec/fargate', { strategy: 'Namespace', namespace: 'kube-system' });
    await until$('SelectedByFargateProfile', (s) => fargate(s)?.reason === 'SelectedByFargateProfile');
    const c = fargate(await stacks.get('default'))!;
    expect(c.status).toBe('False');
    expect(c.message).toContain('selected by Fargate profile fp-kube-system (namespace kube-system)');

    await cluster.kubectl(['create', 'namespace', 'metrics']);
    await stacks.patchSpec('default', '/spec/fargate/namespace', 'metrics');
    await until$('NotSelectedByFargateProfile', (s) => fargate(s)?.status === 'True' && fargate(s)?.reason === 'NotSelectedByFargateProfile');
    const apps = cluster.kubeConfig.makeApiClient(AppsV1Api);
    const d = await apps.readNamespacedDeployment({ name: 'metrics-server', namespace: 'metrics' });
    expect(d.spec?.template.spec?.affinity?.nodeAffinity).toBeDefined();
    await until('the kube-system copy pruned',
      () => apps.readNamespacedDeployment({ name: 'metrics-server', namespace: 'kube-system' }).then(() => false, () => true));
  });

  it('RecreateProfile refuses a replacement that would leave workloads without a profile, naming what it drops', async () => {
    const refused = (reason: string, text: string) => (s: MetricsStack) => fargate(s)?.reason === reason && !!fargate(s)?.message.includes(text);
    // fp-default selects default's compute=fargate pods: a replacement selecting only compute=fargate-v2 drops them.
    await recreate(false, { name: 'fp-default', replacementName: 'fp-default-v2', selectors: [{ namespace: 'default', labels: { compute: 'fargate-v2' } }] });
    await until$('ReplacementUncovered (selector)', refused('ReplacementUncovered', 'fp-default selector (namespace default, compute=fargate)'));
    // A replacement that still selects metrics-server's pods solves nothing.
    const ksV2 = (labels: Record<string, string>) =>
      ({ name: 'fp-kube-system', replacementName: 'fp-kube-system-v2', selectors: [{ namespace: 'kube-system', labels }] });
    await recreate(false, ksV2({ 'k8s-app': 'metrics-*' }));
    await until$('ReplacementSelectsMetricsServer', refused('ReplacementSelectsMetricsServer', 'fp-kube-system-v2 (namespace kube-system, k8s-app=metrics-*)'));
    // fp-kube-system also runs this pod (CoreDNS, say) on Fargate; the replacement would not select it.
    const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    const pod = { metadata: { name: 'coredns-test', labels: { 'k8s-app': 'kube-dns' } }, spec: { containers: [{ name: 'coredns', image: 'coredns:test' }] } };
    await core.createNamespacedPod({ namespace: 'kube-system', body: pod });
    try {
      await recreate(false, ksV2({ compute: 'fargate' }));
      await until$('ReplacementUncovered (pod)', refused('ReplacementUncovered', 'would not select pod kube-system/coredns-test (k8s-app=kube-dns'));
    } finally {
      // Back to a plan only before the pod goes, so no pass can act on the then-safe plan.
      await stacks.patchSpec('default', '/spec/fargate/recreateProfile/dryRun', true);
      await until$('dryRun seen', (s) => s.status?.observedGeneration === s.metadata?.generation);
      await core.deleteNamespacedPod({ name: 'coredns-test', namespace: 'kube-system', gracePeriodSeconds: 0 });
    }
    expect(await profileNames()).toEqual(['fp-default', 'fp-kube-system']);
  });

  it('RecreateProfile dryRun: shows the plan in status and changes no profile', async () => {
    await stacks.patchSpec('default', '/spec/fargate', {
      strategy: 'RecreateProfile',
      recreateProfile: {
        profiles: [
          { name: 'fp-kube-system', replacementName: 'fp-kube-system-v2', selectors: [{ namespace: 'kube-system', labels: { compute: 'fargate' } }] },
          // Still selects what fp-default selects (compute=fargate): a replacement may add selectors, never drop one.
          { name: 'fp-default', replacementName: 'fp-default-v2', selectors: [
            { namespace: 'default', labels: { compute: 'fargate' } }, { namespace: 'default', labels: { compute: 'fargate-v2' } }] },
        ],
      },
    });
    await until$('RecreationPlanned', (s) => fargate(s)?.reason === 'RecreationPlanned');
    const s = await stacks.get('default');
    expect(s.status?.fargate?.phase).toBe('Planned');
    expect(s.status?.fargate?.plan?.map((p) => `${p.step} ${p.action} ${p.profile} ${p.state}`)).toEqual([
      '1 Create fp-kube-system-v2 Pending', '2 WaitActive fp-kube-system-v2 Pending', '3 Delete fp-kube-system Pending',
      '4 Create fp-default-v2 Pending', '5 WaitActive fp-default-v2 Pending', '6 Delete fp-default Pending',
    ]);
    expect(fargate(s)?.message).toContain('set fargate.recreateProfile.dryRun to false');
    expect(await profileNames()).toEqual(['fp-default', 'fp-kube-system']);
  });

  it('RecreateProfile: a restarted operator resumes from AWS, deletes each original only after its replacement is ACTIVE', async () => {
    // A previous operator created the first replacement and stopped before deleting the original.
    await runner.stop();
    const original = seed.fargateProfiles[0]!;
    await eks.send(new CreateFargateProfileCommand({
      clusterName: seed.clusterName, fargateProfileName: 'fp-kube-system-v2',
      podExecutionRoleArn: `arn:aws:iam::${seed.accountId}:role/eks-fargate-pod-execution`,
      subnets: ['subnet-0a1b2c3d4e5f60001'], selectors: [{ namespace: original.namespace, labels: { compute: 'fargate' } }],
    }));
    await stacks.patchSpec('default', '/spec/fargate/recreateProfile/dryRun', false);
    runner = new OperatorRunner();
    await startOperator('op-restarted');
    await until$('Completed', (s) => s.status?.fargate?.phase === 'Completed', 90_000);
    expect(await profileNames()).toEqual(['fp-default-v2', 'fp-kube-system-v2']);
    const s = await stacks.get('default');
    expect(s.status?.fargate?.plan?.every((p) => p.state === 'Done')).toBe(true);
    await until$('FargatePlacementSafe True', (x) => fargate(x)?.status === 'True');
    expect(fargate(await stacks.get('default'))).toMatchObject({ reason: 'NotSelectedByFargateProfile' });
    expect(fargate(await stacks.get('default'))?.message).toContain('Recreated fp-kube-system as fp-kube-system-v2, fp-default as fp-default-v2.');
  });

  it('RecreateProfile: a second MetricsStack, which does not serve metrics.k8s.io, makes no AWS write', async () => {
    const v3 = [{ namespace: 'kube-system', labels: { compute: 'fargate' } }, { namespace: 'kube-system', labels: { compute: 'fargate-v3' } }];
    await stacks.create('second', { metricsServer: MS, fargate: { strategy: 'RecreateProfile', recreateProfile: {
      dryRun: false, profiles: [{ name: 'fp-kube-system-v2', replacementName: 'fp-kube-system-v3', selectors: v3 }] } } });
    try {
      await until('second: a pass that planned', async () => !!(await stacks.get('second')).status?.fargate?.plan, 60_000);
      expect(await profileNames()).toEqual(['fp-default-v2', 'fp-kube-system-v2']);
      expect(fargate(await stacks.get('second'))).toMatchObject({ reason: 'NotMetricsAPIOwner', message: expect.stringContaining('MetricsStack "default"') });
    } finally {
      await stacks.delete('second');
      await until('second gone', async () => !(await stacks.exists('second')));
    }
    expect(await profileNames()).toEqual(['fp-default-v2', 'fp-kube-system-v2']);
  });

  it('RecreateProfile deletes an original only after an uncached read shows its replacement ACTIVE', async () => {
    // A restarted operator reads (and caches) fp-default-v3 ACTIVE while the plan is only planned...
    await runner.stop();
    const everyPod = [{ namespace: 'default' }];
    await eks.send(new CreateFargateProfileCommand({
      clusterName: seed.clusterName, fargateProfileName: 'fp-default-v3', podExecutionRoleArn: `arn:aws:iam::${seed.accountId}:role/eks-fargate-pod-execution`,
      subnets: ['subnet-0a1b2c3d4e5f60001'], selectors: everyPod,
    }));
    await stacks.patchSpec('default', '/spec/fargate/recreateProfile', {
      dryRun: true, profiles: [{ name: 'fp-default-v2', replacementName: 'fp-default-v3', selectors: everyPod }] });
    runner = new OperatorRunner();
    await startOperator('op-cached');
    await until$('Planned, replacement seen', (s) => s.status?.fargate?.plan?.map((p) => p.state).join(' ') === 'Done Done Pending');
    // ...then someone deletes fp-default-v3, and the plan is let run while the cached answer still says ACTIVE.
    await eks.send(new DeleteFargateProfileCommand({ clusterName: seed.clusterName, fargateProfileName: 'fp-default-v3' }));
    await stacks.patchSpec('default', '/spec/fargate/recreateProfile/dryRun', false);
    await until$('Completed or Failed', (s) => ['Completed', 'Failed'].includes(s.status?.fargate?.phase ?? ''), 90_000);
    // Never without a profile for default's pods: the operator re-created the replacement before deleting the original.
    expect(await profileNames()).toEqual(['fp-default-v3', 'fp-kube-system-v2']);
    const { fargateProfile } = await eks.send(new DescribeFargateProfileCommand({ clusterName: seed.clusterName, fargateProfileName: 'fp-default-v3' }));
    expect(fargateProfile?.tags).toMatchObject({ 'metricsstack.io/replaces': 'fp-default-v2' });
  });

  it('makes no AWS write on an EKS cluster it cannot verify as this one (another issuer): ClusterIdentityUnverified', async () => {
    // eu-west-1 has one cluster, named demo like ours, so "the only cluster in the region" picks it.
    await stacks.patchSpec('default', '/spec/cluster', { region: 'eu-west-1' });
    await recreate(false, { name: 'fp-default', replacementName: 'fp-default-v2', selectors: [{ namespace: 'default' }] });
    await until$('a pass on eu-west-1 that planned', (s) => s.status?.observedGeneration === s.metadata?.generation &&
      s.status?.platform?.region === 'eu-west-1' && s.status?.fargate?.plan?.[0]?.profile === 'fp-default-v2');
    const west = new EKSClient(motoClientConfig(moto.endpoint, 'eu-west-1'));
    expect(await profileNames(west)).toEqual(['fp-default', 'fp-kube-system']);
    west.destroy();
    const c = fargate(await stacks.get('default'))!;
    expect(c).toMatchObject({ status: 'False', reason: 'ClusterIdentityUnverified' });
    expect(c.message).toContain(`this cluster's service-account issuer is ${seed.issuerUrl}`);
    expect(c.message).toContain('https://oidc.eks.eu-west-1.amazonaws.com/id/');
  });
});

describe('metrics-server on an all-Fargate EKS cluster (eks-fargate-only, seed 001)', () => {
  let cluster: TestCluster;
  let moto: Moto;
  let runner: OperatorRunner;

  beforeAll(async () => {
    [cluster, moto] = await Promise.all([startCluster({ preset: 'eks-fargate-only' }), startMoto()]);
    await seedEks(moto.endpoint);
    await installCrd(cluster);
    runner = new OperatorRunner();
    await runner.start(cluster.kubeconfigPath, 'op', ['--leader-elect', 'false'], { env: moto.env });
  });
  afterAll(async () => {
    await runner?.stop();
    await Promise.all([cluster?.stop(), moto?.stop()]);
  });

  it('says there is no EC2 capacity, why metrics-server cannot run on Fargate, and offers prometheus-adapter', async () => {
    const stacks = stackApi(cluster.kubeConfig);
    await stacks.create('default', { metricsServer: MS });
    await until('NoEC2Capacity', async () => fargate(await stacks.get('default'))?.reason === 'NoEC2Capacity', 60_000);
    const s = await stacks.get('default');
    const c = fargate(s)!;
    expect(c.status).toBe('False');
    expect(c.message).toContain('dial tcp <ip>:10250: connect: connection refused');
    expect(c.message).toContain('prometheus-adapter');
    expect(s.status?.platform).toMatchObject({ ec2Nodes: 0, fargateNodes: 3 });
    expect(condition(s, 'Ready')?.status).toBe('False');
  });
});
