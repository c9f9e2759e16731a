import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../../../src/api/v1alpha1/defaults.js';
import type { MetricsStack, MetricsStackSpec } from '../../../../src/api/v1alpha1/types.js';
import type { AwsPorts, IamRole, OidcProvider } from '../../../../src/cloud/aws/ports.js';
import { AwsSessionSource } from '../../../../src/reconcilers/aws/session.js';
import { planAsgTags } from '../../../../src/reconcilers/cluster-autoscaler/asgs.js';
import { asgFinding, decideClusterAutoscaler } from '../../../../src/reconcilers/cluster-autoscaler/decision.js';
import { checkIrsa } from '../../../../src/reconcilers/cluster-autoscaler/irsa/check.js';
import { ClusterAutoscalerReconciler } from '../../../../src/reconcilers/cluster-autoscaler/index.js';
import { StackContext } from '../../../../src/reconcilers/stack/context.js';
import { summarizeNodes } from '../../../../src/reconcilers/platform/node-facts.js';

const unread = (): Promise<string> => Promise.reject(new Error('no AWS write is attempted, so the issuer is not read'));
const group = (name: string, tags: Record<string, string> = {}) => ({ name, minSize: 1, maxSize: 4, desiredCapacity: 2, tags });
const TAGGED = { 'k8s.io/cluster-autoscaler/enabled': 'true', 'k8s.io/cluster-autoscaler/demo': 'owned' };

describe('planAsgTags', () => {
  it('tags what lacks a key when manageASGTags is on, never overwriting a value', () => {
    const plan = planAsgTags([group('b', { 'k8s.io/cluster-autoscaler/enabled': 'yes' }), group('a'), group('c', TAGGED)], 'demo', true);
    expect(plan.toTag).toEqual([
      { name: 'a', tags: TAGGED },
      { name: 'b', tags: { 'k8s.io/cluster-autoscaler/demo': 'owned' } },
    ]);
    expect(plan.rows.map((r) => `${r.name} ${r.tagged}`)).toEqual(['a true', 'b true', 'c true']);
    expect(plan.untagged).toEqual([]);
  });

  it('only reports when manageASGTags is off', () => {
    const plan = planAsgTags([group('a'), group('c', TAGGED)], 'demo', false);
    expect(plan.toTag).toEqual([]);
    expect(plan.untagged).toEqual(['a']);
    expect(plan.rows.map((r) => `${r.name} ${r.tagged}`)).toEqual(['a false', 'c true']);
  });

  it('checks the tag of this cluster, not another one', () => {
    const otherCluster = group('a', { 'k8s.io/cluster-autoscaler/enabled': 'true', 'k8s.io/cluster-autoscaler/prod': 'owned' });
    expect(planAsgTags([otherCluster], 'demo', false).untagged).toEqual(['a']);
  });
});

describe('asgFinding and decideClusterAutoscaler', () => {
  it.each([
    ['no group', [], false, 'NoAutoScalingGroups', 'has no managed node group'],
    ['an untagged group', [group('eks-ng-1')], false, 'ASGDiscoveryTagsMissing',
      'eks-ng-1 lacks the discovery tags k8s.io/cluster-autoscaler/enabled and k8s.io/cluster-autoscaler/demo'],
    ['a group tagged now', [group('eks-ng-1')], true, undefined, 'Added the tags to eks-ng-1.'],
    ['a group already tagged', [group('eks-ng-1', TAGGED)], false, undefined, 'eks-ng-1 (min 1, max 4, desired 2)'],
  ])('with %s', (_n, groups, manage, reason, message) => {
    const f = asgFinding(planAsgTags(groups, 'demo', manage), 'demo');
    expect(f.ok).toBe(reason === undefined);
    if (!f.ok) expect(f.reason).toBe(reason);
    expect(f.message).toContain(message);
  });

  it('names every problem, takes the first one\'s reason, and is Unknown when only retryable ones remain', () => {
    expect(decideClusterAutoscaler([
      { ok: true, message: 'SA ok.' },
      { ok: false, reason: 'RoleTrustPolicyMismatch', message: 'sub.' },
      { ok: false, reason: 'ASGDiscoveryTagsMissing', message: 'tags.' },
    ]))
      .toEqual({ type: 'ClusterAutoscalerReady', status: 'False', reason: 'RoleTrustPolicyMismatch', message: 'sub. tags.' });
    expect(decideClusterAutoscaler([{ ok: false, reason: 'Throttled', message: 'slow.', status: 'Unknown' }]))
      .toMatchObject({ status: 'Unknown', reason: 'Throttled' });
    expect(decideClusterAutoscaler([{ ok: true, message: 'a.' }, { ok: true, message: 'b.' }]))
      .toEqual({ type: 'ClusterAutoscalerReady', status: 'True', reason: 'ClusterAutoscalerConfigured', message: 'a. b.' });
  });
});

describe('checkIrsa, link by link', () => {
  const ISSUER = 'https://oidc.eks.us-east-1.amazonaws.com/id/ABC123';
  const PROVIDER = 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC123';
  const ROLE = 'arn:aws:iam::123456789012:role/ca';
  const trust = (sub: string) => ({
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { Federated: PROVIDER },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'oidc.eks.us-east-1.amazonaws.com/id/ABC123:sub': sub, 'oidc.eks.us-east-1.amazonaws.com/id/ABC123:aud': 'sts.amazonaws.com' },
      },
    }],
  });
  const ports = (o: { issuer?: string; providers?: string[]; audiences?: string[]; role?: IamRole | 'missing' }) => ({
    eks: {
      describeCluster: async () => ({
        name: 'demo', arn: 'arn', version: '1.34', status: 'ACTIVE', ...(o.issuer !== '' ? { oidcIssuer: o.issuer ?? ISSUER } : {}),
      }),
    },
    iam: {
      listOpenIDConnectProviders: async () => o.providers ?? [PROVIDER],
      getOpenIDConnectProvider: async (arn: string): Promise<OidcProvider> => ({ arn, url: 'x', clientIds: o.audiences ?? ['sts.amazonaws.com'] }),
      getRole: async (): Promise<IamRole> => {
        if (o.role === 'missing') throw Object.assign(new Error('no role'), { name: 'NoSuchEntityException' });
        return o.role ?? { name: 'ca', arn: ROLE, trustPolicy: trust('system:serviceaccount:kube-system:cluster-autoscaler') };
      },
    },
  }) as unknown as Pick<AwsPorts, 'eks' | 'iam'>;
  const sa = { namespace: 'kube-system', name: 'cluster-autoscaler' };

  it.each([
    ['a cluster without an issuer', { issuer: '' }, 'OIDCProviderMissing', 'reports no OIDC issuer'],
    ['no IAM OIDC provider for the issuer', { providers: ['arn:aws:iam::123456789012:oidc-provider/other'] }, 'OIDCProviderMissing',
      `no IAM OIDC provider ${PROVIDER}`],
    ['a provider without the STS audience', { audiences: ['other'] }, 'OIDCProviderMissing', 'lacks the audience sts.amazonaws.com'],
    ['a missing role', { role: 'missing' as const }, 'NotFound', 'IAM role ca (spec.clusterAutoscaler.roleARN'],
    ['a trust policy for another service account', { role: { name: 'ca', arn: ROLE, trustPolicy: trust('system:serviceaccount:default:cluster-autoscaler') } },
      'RoleTrustPolicyMismatch',
      'sub "system:serviceaccount:kube-system:cluster-autoscaler" expected, found "system:serviceaccount:default:cluster-autoscaler"'],
  ])('reports %s', async (_n, o, reason, message) => {
    const f = await checkIrsa(ports(o), 'demo', ROLE, sa);
    expect(f).toMatchObject({ ok: false, reason });
    expect(f.message).toContain(message);
  });

  it('reports a trust policy whose Deny it cannot evaluate as Unknown, not OK', async () => {
    const policy = trust('system:serviceaccount:kube-system:cluster-autoscaler');
    const ipGuard = {
      Sid: 'OnlyFromVpc',
      Effect: 'Deny',
      Principal: { Federated: PROVIDER },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
    };
    const role = { name: 'ca', arn: ROLE, trustPolicy: { ...policy, Statement: [...policy.Statement, ipGuard] } };
    const f = await checkIrsa(ports({ role }), 'demo', ROLE, sa);
    expect(f).toMatchObject({ ok: false, reason: 'RoleTrustPolicyMismatch', status: 'Unknown' });
    expect(f.message).toContain('Cannot verify that kube-system/cluster-autoscaler may assume IAM role ca: Deny statement 2 (Sid "OnlyFromVpc")');
  });

  it('passes a matching chain and names the role', async () => {
    expect(await checkIrsa(ports({}), 'demo', ROLE, sa)).toEqual({
      ok: true,
      message: 'IAM role ca trusts kube-system/cluster-autoscaler through the cluster\'s OIDC provider oidc.eks.us-east-1.amazonaws.com/id/ABC123.',
    });
  });
});

describe('ClusterAutoscalerReconciler without AWS', () => {
  const run = async (spec: MetricsStackSpec, kind: 'EKS' | 'Generic') => {
    const stack: MetricsStack = { apiVersion: 'metricsstack.io/v1alpha1', kind: 'MetricsStack', metadata: { name: 'default', generation: 1 }, spec };
    const ctx = new StackContext(stack, withDefaults(spec), new Date('2026-01-01T00:00:00Z'), pino({ level: 'silent' }));
    ctx.nodeFacts = { ...summarizeNodes([]), kind };
    ctx.setCondition({ type: 'ClusterAutoscalerReady', status: 'True', reason: 'ClusterAutoscalerConfigured', message: 'before' });
    const clientsFor = () => { throw new Error('no AWS client may be made'); };
    const aws = new AwsSessionSource({ clientsFor, apiserverIssuer: unread });
    const r = new ClusterAutoscalerReconciler({ aws, objects: undefined as never, serviceAccounts: undefined as never, applier: undefined as never });
    const result = await r.reconcile(ctx);
    if (!spec.clusterAutoscaler) expect(result.wanted).toEqual({ known: true, objects: [] }); // turned off: prune
    else expect(result.wanted.known).toBe(false); // not EKS this pass: keep what was deployed
    return ctx.status.conditions?.find((c) => c.type === 'ClusterAutoscalerReady');
  };

  it('says "unknown" (keep last pass\'s objects) when ListClusters finds two EKS clusters and none is named', async () => {
    const spec: MetricsStackSpec = { clusterAutoscaler: { roleARN: 'arn:aws:iam::123456789012:role/ca', deploy: true } };
    const stack: MetricsStack = { apiVersion: 'metricsstack.io/v1alpha1', kind: 'MetricsStack', metadata: { name: 'default', generation: 1 }, spec };
    const ctx = new StackContext(stack, withDefaults(spec), new Date('2026-01-01T00:00:00Z'), pino({ level: 'silent' }));
    ctx.nodeFacts = { ...summarizeNodes([]), kind: 'EKS', region: 'us-east-1' };
    const eks = { listClusters: async () => ['demo', 'other'] };
    const clientsFor = () => ({ eks, refresh: () => undefined }) as never;
    const aws = new AwsSessionSource({ clientsFor, apiserverIssuer: unread });
    const r = new ClusterAutoscalerReconciler({ aws, objects: undefined as never, serviceAccounts: undefined as never, applier: undefined as never });
    const result = await r.reconcile(ctx);
    expect(result.wanted).toEqual({ known: false, why: expect.stringContaining('found 2 EKS clusters (demo, other)') });
    expect(ctx.status.conditions?.find((c) => c.type === 'ClusterAutoscalerReady')).toMatchObject({ status: 'False', reason: 'ClusterUnknown' });
  });

  it('removes ClusterAutoscalerReady when spec.clusterAutoscaler is absent', async () => {
    expect(await run({}, 'EKS')).toBeUndefined();
  });

  it('says NotApplicable, and makes no AWS client, when the cluster is not EKS', async () => {
    expect(await run({ clusterAutoscaler: { roleARN: 'arn:aws:iam::123456789012:role/ca' } }, 'Generic'))
      .toMatchObject({ status: 'False', reason: 'NotApplicable', message: expect.stringContaining('not Amazon EKS') });
  });
});

describe('ClusterAutoscalerReconciler before an AWS write', () => {
  const EAST = 'https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123';
  const run = async (apiserverIssuer: string) => {
    const spec: MetricsStackSpec = { cluster: { name: 'demo', region: 'us-east-1' }, clusterAutoscaler: { manageASGTags: true } };
    const stack: MetricsStack = { apiVersion: 'metricsstack.io/v1alpha1', kind: 'MetricsStack', metadata: { name: 'default', generation: 1 }, spec };
    const ctx = new StackContext(stack, withDefaults(spec), new Date('2026-01-01T00:00:00Z'), pino({ level: 'silent' }));
    ctx.nodeFacts = { ...summarizeNodes([]), kind: 'EKS' };
    const tagged: string[] = [];
    const eks = {
      describeCluster: async () => ({ name: 'demo', arn: 'arn', version: '1.34', status: 'ACTIVE', oidcIssuer: EAST }),
      listNodegroups: async () => ['ng-1'],
      describeNodegroup: async () => ({ name: 'ng-1', status: 'ACTIVE', autoScalingGroups: ['eks-ng-1'] }),
    };
    const autoScaling = { describeAutoScalingGroups: async () => [group('eks-ng-1')], createOrUpdateTags: async (name: string) => void tagged.push(name) };
    const clientsFor = () => ({ eks, autoScaling, refresh: () => undefined }) as never;
    const aws = new AwsSessionSource({ clientsFor, apiserverIssuer: async () => apiserverIssuer });
    const r = new ClusterAutoscalerReconciler({ aws, objects: undefined as never, serviceAccounts: undefined as never, applier: undefined as never });
    await r.reconcile(ctx);
    const condition = ctx.status.conditions?.find((c) => c.type === 'ClusterAutoscalerReady');
    return { tagged, condition, rows: ctx.status.clusterAutoscaler?.autoScalingGroups };
  };

  it('tags no Auto Scaling group of an EKS cluster whose OIDC issuer is not this apiserver\'s: ClusterIdentityUnverified', async () => {
    const { tagged, condition, rows } = await run('https://kubernetes.default.svc.cluster.local');
    expect(tagged).toEqual([]);
    expect(condition).toMatchObject({ status: 'False', reason: 'ClusterIdentityUnverified', message: expect.stringContaining(`has OIDC issuer ${EAST}`) });
    expect(rows).toEqual([{ name: 'eks-ng-1', minSize: 1, maxSize: 4, desiredCapacity: 2, tagged: false }]);
  });

  it('tags the group once the cluster is verified', async () => {
    const { tagged, condition } = await run(EAST);
    expect(tagged).toEqual(['eks-ng-1']);
    expect(condition).toMatchObject({ status: 'True' });
  });
});
