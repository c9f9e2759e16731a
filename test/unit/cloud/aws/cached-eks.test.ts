// The EKS caching decorator over a hand-written port fake: the point is which calls reach the inner port, and when.
import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../../../src/cloud/aws/cache.js';
import { CachedEKS } from '../../../../src/cloud/aws/cached-eks.js';
import { AwsNotFoundError } from '../../../../src/cloud/aws/errors.js';
import type { EKSPort, FargateProfile } from '../../../../src/cloud/aws/ports.js';
import { AWS_TTL_MS } from '../../../../src/cloud/aws/ttl.js';
import { FakeClock } from '../../../support/fake-clock.js';

const MIN = 60_000;

function fakeEks(profiles: Map<string, FargateProfile>) {
  const calls: string[] = [];
  const port: EKSPort = {
    describeCluster: async (name) => (calls.push(`describeCluster ${name}`), { name, arn: 'arn', version: '1.31', status: 'ACTIVE', oidcIssuer: 'https://x' }),
    listClusters: async () => (calls.push('listClusters'), ['demo']),
    listNodegroups: async () => (calls.push('listNodegroups'), ['ng-1']),
    describeNodegroup: async (_c, ng) => (calls.push(`describeNodegroup ${ng}`), { name: ng, status: 'ACTIVE', autoScalingGroups: ['asg'] }),
    listFargateProfiles: async () => (calls.push('listFargateProfiles'), [...profiles.keys()]),
    describeFargateProfile: async (_c, name) => {
      calls.push(`describeFargateProfile ${name}`);
      const p = profiles.get(name);
      if (!p) throw new AwsNotFoundError(`no ${name}`);
      return p;
    },
    createFargateProfile: async (input) => {
      calls.push(`createFargateProfile ${input.name}`);
      const p = { name: input.name, status: 'CREATING', selectors: input.selectors, podExecutionRoleArn: input.podExecutionRoleArn, subnets: input.subnets };
      profiles.set(input.name, p);
      return p;
    },
    deleteFargateProfile: async (_c, name) => void (calls.push(`deleteFargateProfile ${name}`), profiles.delete(name)),
  };
  return { port, calls };
}

const profile = (name: string, status = 'ACTIVE'): FargateProfile =>
  ({ name, status, selectors: [{ namespace: 'x' }], podExecutionRoleArn: 'r', subnets: ['s'] });

function setup(initial: FargateProfile[] = [profile('fp-a')]) {
  const clock = new FakeClock();
  const fake = fakeEks(new Map(initial.map((p) => [p.name, p])));
  const eks = new CachedEKS(fake.port, new TtlCache(clock), clock);
  return { clock, eks, calls: fake.calls };
}

describe('CachedEKS', () => {
  it('answers a repeated describeCluster from the cache for 30 minutes (the drift check)', async () => {
    const { clock, eks, calls } = setup();
    await eks.describeCluster('demo');
    await clock.advance(30 * MIN - 1);
    await eks.describeCluster('demo');
    expect(calls).toEqual(['describeCluster demo']);
    await clock.advance(1);
    await eks.describeCluster('demo');
    expect(calls).toHaveLength(2);
  });

  it('keeps stable Fargate profiles for 30 minutes', async () => {
    const { clock, eks, calls } = setup();
    await eks.listFargateProfiles('demo');
    await eks.describeFargateProfile('demo', 'fp-a');
    await clock.advance(29 * MIN);
    await eks.listFargateProfiles('demo');
    await eks.describeFargateProfile('demo', 'fp-a');
    expect(calls).toEqual(['listFargateProfiles', 'describeFargateProfile fp-a']);
  });

  it('re-reads a CREATING profile after 1 minute, and the list with it', async () => {
    const { clock, eks, calls } = setup([profile('fp-a', 'CREATING')]);
    await eks.describeFargateProfile('demo', 'fp-a');
    await eks.listFargateProfiles('demo');
    await clock.advance(AWS_TTL_MS.fargateTransitioning);
    await eks.describeFargateProfile('demo', 'fp-a');
    await eks.listFargateProfiles('demo');
    expect(calls).toEqual(['describeFargateProfile fp-a', 'listFargateProfiles', 'describeFargateProfile fp-a', 'listFargateProfiles']);
  });

  it('invalidates the cluster’s profiles after our create and polls them each minute afterwards', async () => {
    const { clock, eks, calls } = setup();
    await eks.listFargateProfiles('demo');
    await eks.describeFargateProfile('demo', 'fp-a');
    await eks.createFargateProfile({ clusterName: 'demo', name: 'fp-b', podExecutionRoleArn: 'r', subnets: ['s'], selectors: [{ namespace: 'y' }] });
    expect(await eks.listFargateProfiles('demo')).toEqual(['fp-a', 'fp-b']);
    await eks.describeFargateProfile('demo', 'fp-a'); // ACTIVE, but the cluster is mid-change: short TTL
    calls.length = 0;
    await clock.advance(AWS_TTL_MS.fargateTransitioning);
    await eks.listFargateProfiles('demo');
    await eks.describeFargateProfile('demo', 'fp-a');
    expect(calls).toEqual(['listFargateProfiles', 'describeFargateProfile fp-a']);
  });

  it('sees a deleted profile as NotFound at once after our delete, and remembers that briefly', async () => {
    const { eks, calls } = setup();
    await eks.describeFargateProfile('demo', 'fp-a');
    await eks.deleteFargateProfile('demo', 'fp-a');
    await expect(eks.describeFargateProfile('demo', 'fp-a')).rejects.toBeInstanceOf(AwsNotFoundError);
    await expect(eks.describeFargateProfile('demo', 'fp-a')).rejects.toBeInstanceOf(AwsNotFoundError);
    expect(calls.filter((c) => c === 'describeFargateProfile fp-a')).toHaveLength(2);
  });

  it('asks AWS on an uncached read within the TTL, and the answer replaces the cached one', async () => {
    const profiles = new Map([['fp-a', profile('fp-a')]]);
    const clock = new FakeClock();
    const fake = fakeEks(profiles);
    const eks = new CachedEKS(fake.port, new TtlCache(clock), clock);
    await eks.describeFargateProfile('demo', 'fp-a');
    await eks.describeCluster('demo');
    profiles.delete('fp-a'); // someone else deletes it: the cached ACTIVE answer is now wrong
    expect((await eks.describeFargateProfile('demo', 'fp-a')).status).toBe('ACTIVE');
    await expect(eks.describeFargateProfile('demo', 'fp-a', { uncached: true })).rejects.toBeInstanceOf(AwsNotFoundError);
    await expect(eks.describeFargateProfile('demo', 'fp-a')).rejects.toBeInstanceOf(AwsNotFoundError);
    await eks.describeCluster('demo', { uncached: true });
    expect(fake.calls).toEqual(['describeFargateProfile fp-a', 'describeCluster demo', 'describeFargateProfile fp-a', 'describeCluster demo']);
  });

  it('caches node groups for 30 minutes', async () => {
    const { clock, eks, calls } = setup();
    await eks.listNodegroups('demo');
    await eks.describeNodegroup('demo', 'ng-1');
    await clock.advance(30 * MIN - 1);
    await eks.listNodegroups('demo');
    await eks.describeNodegroup('demo', 'ng-1');
    expect(calls).toEqual(['listNodegroups', 'describeNodegroup ng-1']);
  });
});
