import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../../../src/api/v1alpha1/defaults.js';
import type { MetricsStack } from '../../../../src/api/v1alpha1/types.js';
import type { EksCluster, ReadOptions } from '../../../../src/cloud/aws/ports.js';
import { decideClusterIdentity } from '../../../../src/reconcilers/aws/identity.js';
import { AwsSessionSource, type RegionClients } from '../../../../src/reconcilers/aws/session.js';
import { summarizeNodes } from '../../../../src/reconcilers/platform/node-facts.js';
import { StackContext } from '../../../../src/reconcilers/stack/context.js';

const EAST = 'https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123';
const WEST = 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123';
const at = { clusterName: 'demo', region: 'us-east-1' };

describe('decideClusterIdentity', () => {
  it.each([
    ['the same issuer', EAST, EAST, true, ''],
    ['the same issuer but for a trailing slash', `${EAST}/`, EAST, true, ''],
    ['another issuer: another cluster', WEST, EAST, false,
      `EKS cluster demo in us-east-1 has OIDC issuer ${WEST}, but this cluster's service-account issuer is ${EAST}`],
    ['an EKS cluster without an issuer', undefined, EAST, false, 'reports no OIDC issuer'],
    ['an apiserver whose issuer cannot be read', EAST, { error: 'HTTP 403: forbidden' }, false, '/.well-known/openid-configuration (HTTP 403: forbidden)'],
  ] as const)('with %s', (_n, eksIssuer, apiserverIssuer, verified, message) => {
    const identity = decideClusterIdentity({ ...at, eksIssuer, apiserverIssuer });
    expect(identity.verified).toBe(verified);
    if (!identity.verified) {
      expect(identity.message).toContain(message);
      expect(identity.message).toContain('makes no AWS change');
    }
  });

  it('says what to set when the clusters differ', () => {
    const identity = decideClusterIdentity({ ...at, eksIssuer: WEST, apiserverIssuer: EAST });
    expect(!identity.verified && identity.message).toContain('spec.cluster.name and spec.cluster.region');
  });
});

describe('AwsSessionSource.verifyIdentity', () => {
  const ctx = () => {
    const stack: MetricsStack = { apiVersion: 'metricsstack.io/v1alpha1', kind: 'MetricsStack', metadata: { name: 'default', generation: 1 }, spec: {} };
    const c = new StackContext(stack, withDefaults({}), new Date('2026-01-01T00:00:00Z'), pino({ level: 'silent' }));
    c.nodeFacts = { ...summarizeNodes([]), kind: 'EKS', region: 'us-east-1', clusterName: 'demo' };
    return c;
  };
  const setup = (apiserver: () => Promise<string>) => {
    const reads: string[] = [];
    const describeCluster = async (name: string, o?: ReadOptions): Promise<EksCluster> => {
      reads.push(`describeCluster ${name}${o?.uncached ? ' uncached' : ''}`);
      return { name, arn: 'arn', version: '1.34', status: 'ACTIVE', oidcIssuer: EAST };
    };
    const ports = { eks: { describeCluster }, refresh: () => undefined } as unknown as RegionClients;
    const apiserverIssuer = async () => (reads.push('issuer'), apiserver());
    return { reads, source: new AwsSessionSource({ clientsFor: () => ports, apiserverIssuer }) };
  };

  it('reads the EKS cluster uncached and the apiserver issuer once per pass, however many writers ask', async () => {
    const { reads, source } = setup(async () => EAST);
    const c = ctx();
    const session = await source.resolve(c);
    const [a, b] = await Promise.all([source.verifyIdentity(c, session), source.verifyIdentity(c, session)]);
    expect([a, b]).toEqual([{ verified: true }, { verified: true }]);
    expect(reads.sort()).toEqual(['describeCluster demo uncached', 'issuer']);
    await source.verifyIdentity(ctx(), session);
    expect(reads).toHaveLength(4);
  });

  it('does not verify when the apiserver issuer cannot be read', async () => {
    const { source } = setup(async () => {
      throw new Error('GET /.well-known/openid-configuration: HTTP 403: forbidden');
    });
    const c = ctx();
    const identity = await source.verifyIdentity(c, await source.resolve(c));
    expect(identity).toMatchObject({ verified: false, message: expect.stringContaining('HTTP 403: forbidden') });
  });
});
