import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../../../src/api/v1alpha1/defaults.js';
import type { MetricsStack, MetricsStackSpec, MetricsStackStatus } from '../../../../src/api/v1alpha1/types.js';
import { AwsAccessDeniedError, AwsError, AwsNotFoundError } from '../../../../src/cloud/aws/errors.js';
import { awsFailure } from '../../../../src/reconcilers/aws/condition.js';
import { FailureRecheck } from '../../../../src/reconcilers/aws/recheck.js';
import { AwsSessionSource, AwsTargetError, type AwsService, type RegionClients } from '../../../../src/reconcilers/aws/session.js';
import { StackContext } from '../../../../src/reconcilers/stack/context.js';
import { summarizeNodes, type NodeFacts } from '../../../../src/reconcilers/platform/node-facts.js';

const ctxOf = (spec: MetricsStackSpec, facts: Partial<NodeFacts> = {}, status: MetricsStackStatus = {}, now = '2026-01-01T00:00:00Z') => {
  const stack: MetricsStack = { apiVersion: 'metricsstack.io/v1alpha1', kind: 'MetricsStack', metadata: { name: 'default', generation: 1 }, spec, status };
  const ctx = new StackContext(stack, withDefaults(spec), new Date(now), pino({ level: 'silent' }));
  ctx.nodeFacts = { ...summarizeNodes([]), kind: 'EKS', ...facts };
  return ctx;
};

/** Resolving a session reads no issuer: that is only read to verify the cluster before an AWS write. */
const apiserverIssuer = (): Promise<string> => Promise.reject(new Error('not read while resolving'));

function fakeClients(clusters: string[]) {
  const made: string[] = [];
  const refreshed: AwsService[] = [];
  let listed = 0;
  const clientsFor = (region: string): RegionClients => {
    made.push(region);
    return { eks: { listClusters: async () => { listed++; return clusters; } }, refresh: (s: AwsService) => refreshed.push(s) } as unknown as RegionClients;
  };
  return { clientsFor, made, refreshed, listed: () => listed };
}

describe('AwsSessionSource', () => {
  it.each([
    ['spec.cluster wins over everything', { cluster: { name: 'spec-c', region: 'eu-west-1' } }, { clusterName: 'label-c', region: 'us-east-1' },
      'ap-south-1', ['eu-west-1', 'spec-c', 0]],
    ['the flag wins over the nodes for the region; labels give the name', {}, { clusterName: 'label-c', region: 'us-east-1' },
      'ap-south-1', ['ap-south-1', 'label-c', 0]],
    ['the nodes give the region; the account\'s only cluster the name', {}, { region: 'us-east-1' }, undefined, ['us-east-1', 'only', 1]],
  ] as const)('%s', async (_n, spec, facts, flag, [region, name, lists]) => {
    const f = fakeClients(['only']);
    const ctx = ctxOf(spec, facts);
    const s = await new AwsSessionSource({ defaultRegion: flag, clientsFor: f.clientsFor, apiserverIssuer }).resolve(ctx);
    expect([s.region, s.clusterName, f.listed()]).toEqual([region, name, lists]);
    expect(ctx.status.platform).toMatchObject({ region, clusterName: name });
  });

  it('resolves once per pass however many reconcilers ask', async () => {
    const f = fakeClients(['only']);
    const source = new AwsSessionSource({ clientsFor: f.clientsFor, apiserverIssuer });
    const ctx = ctxOf({}, { region: 'us-east-1' });
    await Promise.all([source.resolve(ctx), source.resolve(ctx)]);
    expect([f.made.length, f.listed()]).toEqual([1, 1]);
  });

  it.each([
    ['no region anywhere', {}, ['a'], /region is unknown.*--aws-region/],
    ['no cluster in the account', { region: 'us-east-1' }, [], /ListClusters in us-east-1 found no EKS cluster\. Set spec\.cluster\.name/],
    ['two clusters in the account', { region: 'us-east-1' }, ['a', 'b'], /found 2 EKS clusters \(a, b\)/],
  ])('says what to set when there is %s', async (_n, facts, clusters, message) => {
    const f = fakeClients(clusters);
    const err = await new AwsSessionSource({ clientsFor: f.clientsFor, apiserverIssuer }).resolve(ctxOf({}, facts)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsTargetError);
    expect((err as Error).message).toMatch(message);
    expect(awsFailure('FargatePlacementSafe', 'x', err).condition).toMatchObject({ status: 'False', reason: 'ClusterUnknown' });
  });
});

describe('awsFailure', () => {
  it.each([
    [new AwsAccessDeniedError(
      'User: arn:aws:sts::123456789012:assumed-role/op/s is not authorized to perform: eks:ListFargateProfiles',
      { action: 'eks:ListFargateProfiles', principal: 'arn:aws:sts::123456789012:assumed-role/op/s' },
    ), 'False', 'AccessDenied', 'Add "eks:ListFargateProfiles" to a policy attached to IAM role op', false],
    [new AwsNotFoundError('No cluster found for name: demo'), 'False', 'NotFound', 'Check spec.cluster', false],
    [new AwsError({ kind: 'Throttled', retryable: true, message: 'Rate exceeded', action: 'eks:ListFargateProfiles' }), 'Unknown', 'Throttled',
      "AWS throttled eks:ListFargateProfiles while reading the Fargate profiles, past the SDK's own retries; the operator backs off", true],
    [new AwsError({ kind: 'Transient', retryable: true, message: 'connect ECONNREFUSED' }), 'Unknown', 'AWSUnavailable', 'retries with backoff', true],
    [new AwsError({ kind: 'Invalid', retryable: false, message: 'bad subnet' }), 'False', 'AWSError', 'bad subnet', false],
  ])('maps %s', (err, status, reason, message, retryable) => {
    const f = awsFailure('FargatePlacementSafe', 'reading the Fargate profiles', err);
    expect(f.condition).toMatchObject({ type: 'FargatePlacementSafe', status, reason, message: expect.stringContaining(message) });
    expect(f.condition.message).toContain('reading the Fargate profiles');
    expect(f.retryable).toBe(retryable);
  });
});

describe('FailureRecheck', () => {
  const failing = {
    conditions: [{
      type: 'ClusterAutoscalerReady', status: 'False' as const, reason: 'RoleTrustPolicyMismatch', message: '', observedGeneration: 1,
      lastTransitionTime: '2026-01-01T00:00:00Z',
    }],
  };
  it('drops the cache of a failing check at most once per interval, and never for a healthy one', () => {
    const f = fakeClients([]);
    const session = { region: 'us-east-1', clusterName: 'demo', ports: f.clientsFor('us-east-1') };
    const recheck = new FailureRecheck(120_000);
    const at = (iso: string, status: MetricsStackStatus) =>
      recheck.maybeRefresh(ctxOf({}, {}, status, iso), session, 'ClusterAutoscalerReady', ['iam'], new Set(['RoleTrustPolicyMismatch']));
    at('2026-01-01T00:00:00Z', {});
    at('2026-01-01T00:00:10Z', failing);
    at('2026-01-01T00:01:00Z', failing);
    at('2026-01-01T00:02:10Z', failing);
    at('2026-01-01T00:03:00Z', { conditions: [{ ...failing.conditions[0]!, status: 'True' }] });
    expect(f.refreshed).toEqual(['iam', 'iam']);
  });
});
