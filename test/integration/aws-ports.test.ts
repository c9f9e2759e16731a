// The AWS ports against a real moto server (loopback, AWS wire protocols): every adapter call on the seeded EKS world,
// the cache making repeated reads free (counted at the SDK middleware), both endpoint paths, and error classification.
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessDeniedMessage } from '../../src/cloud/aws/access-denied.js';
import { createAwsClients, type AwsClients } from '../../src/cloud/aws/clients.js';
import { AwsAccessDeniedError, AwsNotFoundError, classifyAwsError } from '../../src/cloud/aws/errors.js';
import { AWS_TTL_MS } from '../../src/cloud/aws/ttl.js';
import { missingDiscoveryTags } from '../../src/reconcilers/cluster-autoscaler/asg-tags.js';
import { planProfileRecreation, type RecreateStatus } from '../../src/reconcilers/fargate/recreate/plan.js';
import { checkTrustPolicy } from '../../src/reconcilers/cluster-autoscaler/irsa/trust-policy.js';
import { motoClientConfig, seedEks, type SeededEks } from '../support/aws-seed.js';
import { FakeClock } from '../support/fake-clock.js';
import { startMoto, type Moto } from '../support/moto.js';

const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const clock = new FakeClock();

let moto: Moto;
let seed: SeededEks;
let aws: AwsClients;

beforeAll(async () => {
  moto = await startMoto();
  seed = await seedEks(moto.endpoint);
  aws = createAwsClients({ region: 'us-east-1', endpoint: moto.endpoint, credentials: CREDENTIALS, maxAttempts: 1, clock });
});

afterAll(async () => {
  aws?.destroy();
  await moto?.stop();
});

describe('AWS ports against moto', () => {
  it('describes the cluster with its version and OIDC issuer', async () => {
    const cluster = await aws.eks.describeCluster('demo');
    expect(cluster).toMatchObject({ name: 'demo', arn: seed.clusterArn, status: 'ACTIVE', oidcIssuer: seed.issuerUrl });
    expect(cluster.version).toMatch(/^1\.\d+$/);
    expect(await aws.eks.listClusters()).toEqual(['demo']);
  });

  it('finds the node group and the Auto Scaling group behind it', async () => {
    expect(await aws.eks.listNodegroups('demo')).toEqual(['ng-1']);
    const ng = await aws.eks.describeNodegroup('demo', 'ng-1');
    expect(ng).toMatchObject({ name: 'ng-1', autoScalingGroups: [seed.asgName], scaling: { minSize: 1, maxSize: 4, desiredSize: 2 } });
    const groups = await aws.autoScaling.describeAutoScalingGroups([seed.asgName, 'no-such-asg']);
    expect(groups).toEqual([{ name: seed.asgName, minSize: 1, maxSize: 4, desiredCapacity: 2, tags: expect.objectContaining({ 'eks:cluster-name': 'demo' }) }]);
    expect(await aws.autoScaling.describeAutoScalingGroups([])).toEqual([]);
  });

  it('lists and describes the Fargate profiles as plain data', async () => {
    expect((await aws.eks.listFargateProfiles('demo')).sort()).toEqual(['fp-default', 'fp-kube-system']);
    expect(await aws.eks.describeFargateProfile('demo', 'fp-default')).toEqual({
      name: 'fp-default',
      status: 'ACTIVE',
      selectors: [{ namespace: 'default', labels: { compute: 'fargate' } }],
      podExecutionRoleArn: 'arn:aws:iam::123456789012:role/eks-fargate-pod-execution',
      subnets: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
    });
  });

  it('reads the IAM OIDC provider and URL-decoded trust policies that the IRSA check understands', async () => {
    expect(await aws.iam.listOpenIDConnectProviders()).toContain(seed.oidcProviderArn);
    expect(await aws.iam.getOpenIDConnectProvider(seed.oidcProviderArn))
      .toEqual({ arn: seed.oidcProviderArn, url: seed.issuerHost, clientIds: ['sts.amazonaws.com'] });
    const target = { oidcIssuer: seed.issuerUrl, accountId: seed.accountId, namespace: 'kube-system', serviceAccount: 'cluster-autoscaler' };
    const good = await aws.iam.getRole('cluster-autoscaler');
    expect(good.arn).toBe(seed.caRole.arn);
    expect(checkTrustPolicy(good.trustPolicy, target)).toEqual({ ok: true, warnings: [] });
    const wrong = checkTrustPolicy((await aws.iam.getRole('ca-wrong-sub')).trustPolicy, target);
    expect(wrong).toMatchObject({ ok: false, reason: 'SubjectMismatch' });
    expect(!wrong.ok && wrong.message).toContain('found "system:serviceaccount:default:cluster-autoscaler"');
  });

  it('makes no AWS call when the same reads repeat within their TTLs', async () => {
    const before = aws.calls.count();
    await aws.eks.describeCluster('demo');
    await aws.eks.listNodegroups('demo');
    await aws.eks.describeNodegroup('demo', 'ng-1');
    await aws.eks.listFargateProfiles('demo');
    await aws.eks.describeFargateProfile('demo', 'fp-default');
    await aws.autoScaling.describeAutoScalingGroups([seed.asgName]);
    await aws.iam.getRole('cluster-autoscaler');
    await aws.iam.getOpenIDConnectProvider(seed.oidcProviderArn);
    expect(aws.calls.count()).toBe(before);
    await clock.advance(AWS_TTL_MS.cluster);
    await aws.eks.describeCluster('demo');
    expect(aws.calls.count('eks:DescribeCluster')).toBe(2);
  });

  it('adds the discovery tags and sees them on the next read (our write invalidates the group)', async () => {
    const [group] = await aws.autoScaling.describeAutoScalingGroups([seed.asgName]);
    const missing = missingDiscoveryTags(group!, 'demo');
    expect(Object.keys(missing)).toEqual(['k8s.io/cluster-autoscaler/enabled', 'k8s.io/cluster-autoscaler/demo']);
    await aws.autoScaling.createOrUpdateTags(seed.asgName, missing);
    const [tagged] = await aws.autoScaling.describeAutoScalingGroups([seed.asgName]);
    expect(missingDiscoveryTags(tagged!, 'demo')).toEqual({});
    expect(aws.calls.count('autoscaling:CreateOrUpdateTags')).toBe(1);
  });

  it('creates and deletes a Fargate profile, seeing each change at once despite the cache', async () => {
    const original = await aws.eks.describeFargateProfile('demo', 'fp-kube-system');
    const created = await aws.eks.createFargateProfile({
      clusterName: 'demo',
      name: 'fp-kube-system-v2',
      podExecutionRoleArn: original.podExecutionRoleArn,
      subnets: original.subnets,
      selectors: [{ namespace: 'kube-system', labels: { compute: 'fargate' } }],
    });
    expect(created.status).toBe('ACTIVE'); // moto: ACTIVE at once, no CREATING
    expect(await aws.eks.listFargateProfiles('demo')).toContain('fp-kube-system-v2');
    await aws.eks.deleteFargateProfile('demo', 'fp-kube-system');
    // moto: gone at once (real EKS: DELETING for minutes).
    await expect(aws.eks.describeFargateProfile('demo', 'fp-kube-system')).rejects.toBeInstanceOf(AwsNotFoundError);
    expect(await aws.eks.listFargateProfiles('demo')).not.toContain('fp-kube-system');
  });

  it('walks a RecreateProfile plan to Completed, each step decided afresh from AWS and the persisted plan', async () => {
    const spec = {
      dryRun: false,
      // Still selects what fp-default selects (compute=fargate): a replacement that drops a selector is refused.
      profiles: [{ name: 'fp-default', replacementName: 'fp-default-v2', selectors: [{ namespace: 'default' }] }],
    };
    const noPods = { metricsServer: { namespace: 'kube-system', labels: { 'k8s-app': 'metrics-server' } }, metricsServerPods: [], otherPods: [] };
    let status: RecreateStatus = {};
    const taken: string[] = [];
    for (let i = 0; i < 5 && status.phase !== 'Completed'; i++) {
      const names = await aws.eks.listFargateProfiles('demo');
      const profiles = await Promise.all(names.map((n) => aws.eks.describeFargateProfile('demo', n)));
      const decision = planProfileRecreation(profiles, spec, status, noPods);
      status = { phase: decision.phase, plan: decision.plan }; // all a restarted operator would have
      const next = decision.nextAction;
      taken.push(next.type);
      if (next.type === 'Create') {
        await aws.eks.createFargateProfile({
          clusterName: 'demo', name: next.profile, podExecutionRoleArn: next.podExecutionRoleArn, subnets: next.subnets, selectors: next.selectors,
        });
      }
      if (next.type === 'Delete') await aws.eks.deleteFargateProfile('demo', next.profile);
    }
    // moto makes profiles ACTIVE and gone at once, so no Wait step appears here; real EKS adds Wait steps between.
    expect(taken).toEqual(['Create', 'Delete', 'None']);
    expect(status.phase).toBe('Completed');
    expect(status.plan?.map((s) => `${s.action} ${s.profile} ${s.state}`))
      .toEqual(['Create fp-default-v2 Done', 'WaitActive fp-default-v2 Done', 'Delete fp-default Done']);
  });

  it('reaches moto through AWS_ENDPOINT_URL alone, and an explicit endpoint wins over it', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, moto.env);
    const fromEnv = createAwsClients({ region: 'us-east-1' });
    try {
      expect((await fromEnv.eks.describeCluster('demo')).arn).toBe(seed.clusterArn);
      process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:1'; // read per client on first use: fromEnv keeps moto
      const explicit = createAwsClients({ region: 'us-east-1', endpoint: moto.endpoint });
      expect(await explicit.iam.listOpenIDConnectProviders()).toContain(seed.oidcProviderArn);
      explicit.destroy();
    } finally {
      fromEnv.destroy();
      for (const k of Object.keys(moto.env)) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });

  it('classifies a missing cluster, profile and role as NotFound, naming the call', async () => {
    await expect(aws.eks.describeCluster('nope')).rejects.toMatchObject({ name: 'AwsNotFoundError', action: 'eks:DescribeCluster' });
    await expect(aws.eks.describeFargateProfile('demo', 'nope')).rejects.toBeInstanceOf(AwsNotFoundError);
    await expect(aws.iam.getRole('nope')).rejects.toMatchObject({ kind: 'NotFound', code: 'NoSuchEntity' });
  });
});

// moto enforces IAM policies once /moto-api/reset-auth sets its no-auth allowance to 0. For IAM and Auto Scaling it
// then answers like AWS (AccessDenied naming the action); for EKS it answers 403 in XML, which the JSON deserializer
// cannot parse, so only the status and the call's action are left. EKS's real AccessDeniedException body is covered
// by a recorded error in test/unit/cloud/errors.test.ts. This block runs last: it turns enforcement back off at the end.
describe('AccessDenied from moto with IAM enforcement on', () => {
  let denied: AwsClients;

  beforeAll(async () => {
    const iam = new IAMClient(motoClientConfig(moto.endpoint));
    await iam.send(new CreateUserCommand({ UserName: 'op' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'op' }));
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['eks:ListClusters'], Resource: '*' }] };
    await iam.send(new PutUserPolicyCommand({ UserName: 'op', PolicyName: 'list-only', PolicyDocument: JSON.stringify(policy) }));
    iam.destroy();
    const credentials = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
    denied = createAwsClients({ region: 'us-east-1', endpoint: moto.endpoint, credentials, maxAttempts: 1 });
    await fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: 'POST', body: '0' });
  });

  afterAll(async () => {
    await fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: 'POST', body: 'inf' });
    denied?.destroy();
  });

  it('allows what the policy grants', async () => {
    expect(await denied.eks.listClusters()).toEqual(['demo']);
  });

  it('names the denied IAM action and the user in an IAM AccessDenied', async () => {
    const err = await denied.iam.getRole('cluster-autoscaler').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsAccessDeniedError);
    expect(err).toMatchObject({ action: 'iam:GetRole', principal: 'arn:aws:iam::123456789012:user/op' });
    expect(accessDeniedMessage(classifyAwsError(err))).toContain('Add "iam:GetRole" to a policy attached to IAM user op');
  });

  it('names the denied Auto Scaling action', async () => {
    await expect(denied.autoScaling.describeAutoScalingGroups([seed.asgName])).rejects.toMatchObject({
      kind: 'AccessDenied',
      action: 'autoscaling:DescribeAutoScalingGroups',
    });
  });

  it('classifies moto’s unparsable EKS 403 as AccessDenied for the call’s action', async () => {
    await expect(denied.eks.describeCluster('demo')).rejects.toMatchObject({ kind: 'AccessDenied', action: 'eks:DescribeCluster', retryable: false });
  });
});
