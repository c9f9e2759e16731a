// Checks the moto harness itself: that the seeded AWS world is what later operator tests assume, read back through
// the same SDK clients the operator uses, and that the server is really gone after stop().
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeClusterCommand, DescribeFargateProfileCommand, DescribeNodegroupCommand, EKSClient } from '@aws-sdk/client-eks';
import { GetOpenIDConnectProviderCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CA_SERVICE_ACCOUNT_SUB, motoClientConfig, seedEks, type SeededEks } from '../support/aws-seed.js';
import { resetMoto, startMoto, type Moto } from '../support/moto.js';

let moto: Moto;
let seed: SeededEks;
let eks: EKSClient;
let asg: AutoScalingClient;
let iam: IAMClient;

beforeAll(async () => {
  moto = await startMoto();
  seed = await seedEks(moto.endpoint);
  const cfg = motoClientConfig(moto.endpoint);
  [eks, asg, iam] = [new EKSClient(cfg), new AutoScalingClient(cfg), new IAMClient(cfg)];
});

afterAll(async () => {
  for (const client of [eks, asg, iam]) client?.destroy();
  await moto?.stop();
});

async function trustPolicy(roleName: string) {
  const { Role } = await iam.send(new GetRoleCommand({ RoleName: roleName }));
  // IAM returns the document URL-encoded.
  const doc = JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '')) as {
    Statement: { Principal: { Federated: string }; Action: string; Condition: { StringEquals: Record<string, string> } }[];
  };
  expect(doc.Statement).toHaveLength(1);
  return doc.Statement[0]!;
}

describe('moto seeded with an EKS cluster', () => {
  it('serves the cluster as ACTIVE with the OIDC issuer seedEks reported', async () => {
    const { cluster } = await eks.send(new DescribeClusterCommand({ name: 'demo' }));
    expect(cluster?.status).toBe('ACTIVE');
    expect(cluster?.arn).toBe(seed.clusterArn);
    expect(cluster?.identity?.oidc?.issuer).toBe(seed.issuerUrl);
    expect(seed.issuerUrl).toMatch(/^https:\/\/oidc\.eks\.us-east-1\.amazonaws\.com\/id\/\w+$/);
  });

  it('lists an ASG on node group ng-1 that exists with the seeded sizes and no Cluster Autoscaler tags', async () => {
    const { nodegroup } = await eks.send(new DescribeNodegroupCommand({ clusterName: 'demo', nodegroupName: 'ng-1' }));
    expect(nodegroup?.resources?.autoScalingGroups).toEqual([{ name: seed.asgName }]);
    const { AutoScalingGroups } = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [seed.asgName] }));
    expect(AutoScalingGroups).toHaveLength(1);
    const group = AutoScalingGroups![0]!;
    expect([group.MinSize, group.MaxSize, group.DesiredCapacity]).toEqual([1, 4, 2]);
    expect(nodegroup?.scalingConfig).toEqual({ minSize: 1, maxSize: 4, desiredSize: 2 });
    const tags = Object.fromEntries((group.Tags ?? []).map((t) => [t.Key, t.Value]));
    expect(tags).toMatchObject({ 'eks:cluster-name': 'demo', 'eks:nodegroup-name': 'ng-1', 'kubernetes.io/cluster/demo': 'owned' });
    expect(Object.keys(tags).filter((k) => k.startsWith('k8s.io/cluster-autoscaler'))).toEqual([]);
  });

  it('has ACTIVE Fargate profiles selecting all of kube-system and labelled pods in default', async () => {
    const describe = (name: string) => eks.send(new DescribeFargateProfileCommand({ clusterName: 'demo', fargateProfileName: name }));
    const kubeSystem = (await describe('fp-kube-system')).fargateProfile;
    expect(kubeSystem?.status).toBe('ACTIVE');
    expect(kubeSystem?.selectors).toEqual([{ namespace: 'kube-system' }]);
    const dflt = (await describe('fp-default')).fargateProfile;
    expect(dflt?.status).toBe('ACTIVE');
    expect(dflt?.selectors).toEqual([{ namespace: 'default', labels: { compute: 'fargate' } }]);
  });

  it('has an IAM OIDC provider for the issuer with audience sts.amazonaws.com', async () => {
    expect(seed.oidcProviderArn).toBe(`arn:aws:iam::123456789012:oidc-provider/${seed.issuerHost}`);
    const provider = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: seed.oidcProviderArn }));
    expect(provider.ClientIDList).toEqual(['sts.amazonaws.com']);
    expect(provider.Url).toBe(seed.issuerHost);
  });

  it('trusts the kube-system/cluster-autoscaler service account, via the provider, in the cluster-autoscaler role', async () => {
    const stmt = await trustPolicy('cluster-autoscaler');
    expect(stmt.Principal.Federated).toBe(seed.oidcProviderArn);
    expect(stmt.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(stmt.Condition.StringEquals).toEqual({
      [`${seed.issuerHost}:sub`]: CA_SERVICE_ACCOUNT_SUB,
      [`${seed.issuerHost}:aud`]: 'sts.amazonaws.com',
    });
    expect(seed.caRole.arn).toBe('arn:aws:iam::123456789012:role/cluster-autoscaler');
  });

  it('trusts a different subject in the ca-wrong-sub role, for mismatch tests', async () => {
    const stmt = await trustPolicy('ca-wrong-sub');
    expect(stmt.Condition.StringEquals[`${seed.issuerHost}:sub`]).toBe(seed.wrongSubRole.sub);
    expect(seed.wrongSubRole.sub).not.toBe(CA_SERVICE_ACCOUNT_SUB);
    expect(stmt.Condition.StringEquals[`${seed.issuerHost}:aud`]).toBe('sts.amazonaws.com');
  });

  it('reaches moto from a client configured only through moto.env (AWS_ENDPOINT_URL), like the operator', async () => {
    const saved = Object.fromEntries(Object.keys(moto.env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, moto.env);
    const envOnly = new EKSClient({});
    try {
      const { cluster } = await envOnly.send(new DescribeClusterCommand({ name: 'demo' }));
      expect(cluster?.arn).toBe(seed.clusterArn);
    } finally {
      envOnly.destroy();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('forgets every seeded resource after resetMoto, so tests can start clean', async () => {
    await resetMoto(moto.endpoint);
    await expect(eks.send(new DescribeClusterCommand({ name: 'demo' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const { AutoScalingGroups } = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [seed.asgName] }));
    expect(AutoScalingGroups).toEqual([]);
    await expect(iam.send(new GetRoleCommand({ RoleName: 'cluster-autoscaler' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
  });

  it('leaves no moto_server process or listener behind after stop(), even when stopped twice', async () => {
    await moto.stop();
    await moto.stop();
    expect(() => process.kill(moto.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    await expect(fetch(`${moto.endpoint}/moto-api/`)).rejects.toThrow();
  });
});
