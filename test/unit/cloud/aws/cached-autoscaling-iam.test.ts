// The Auto Scaling and IAM caching decorators over hand-written port fakes: which calls reach the inner port, and when.
import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../../../src/cloud/aws/cache.js';
import { CachedAutoScaling } from '../../../../src/cloud/aws/cached-autoscaling.js';
import { CachedIAM } from '../../../../src/cloud/aws/cached-iam.js';
import type { AutoScalingGroup, AutoScalingPort, IAMPort } from '../../../../src/cloud/aws/ports.js';
import { AWS_TTL_MS } from '../../../../src/cloud/aws/ttl.js';
import { FakeClock } from '../../../support/fake-clock.js';

const MIN = 60_000;

function fakeAsg(groups: AutoScalingGroup[]) {
  const calls: string[][] = [];
  const port: AutoScalingPort = {
    describeAutoScalingGroups: async (names) => (calls.push([...names]), groups.filter((g) => names.includes(g.name))),
    createOrUpdateTags: async (name, tags) => {
      calls.push(['tag', name]);
      const g = groups.find((x) => x.name === name)!;
      groups[groups.indexOf(g)] = { ...g, tags: { ...g.tags, ...tags } };
    },
  };
  return { port, calls };
}

describe('CachedAutoScaling', () => {
  const asg = (name: string): AutoScalingGroup => ({ name, minSize: 1, maxSize: 4, desiredCapacity: 2, tags: {} });

  it('fetches only the groups it does not hold, in one call, and remembers absent names', async () => {
    const clock = new FakeClock();
    const fake = fakeAsg([asg('a'), asg('b')]);
    const cached = new CachedAutoScaling(fake.port, new TtlCache(clock));
    expect((await cached.describeAutoScalingGroups(['a'])).map((g) => g.name)).toEqual(['a']);
    expect((await cached.describeAutoScalingGroups(['a', 'b', 'gone'])).map((g) => g.name)).toEqual(['a', 'b']);
    expect(await cached.describeAutoScalingGroups(['a', 'b', 'gone'])).toHaveLength(2);
    expect(fake.calls).toEqual([['a'], ['b', 'gone']]);
    await clock.advance(AWS_TTL_MS.notFound);
    await cached.describeAutoScalingGroups(['a', 'b', 'gone']);
    expect(fake.calls.at(-1)).toEqual(['gone']);
  });

  it('re-reads a group after tagging it, and only that group', async () => {
    const fake = fakeAsg([asg('a'), asg('b')]);
    const cached = new CachedAutoScaling(fake.port, new TtlCache(new FakeClock()));
    await cached.describeAutoScalingGroups(['a', 'b']);
    await cached.createOrUpdateTags('a', { 'k8s.io/cluster-autoscaler/enabled': 'true' });
    const [a] = await cached.describeAutoScalingGroups(['a', 'b']);
    expect(a?.tags).toEqual({ 'k8s.io/cluster-autoscaler/enabled': 'true' });
    expect(fake.calls).toEqual([['a', 'b'], ['tag', 'a'], ['a']]);
  });
});

describe('CachedIAM', () => {
  it('caches roles and OIDC providers for 30 minutes (a failing check drops them sooner, see FailureRecheck)', async () => {
    const clock = new FakeClock();
    const calls: string[] = [];
    const inner: IAMPort = {
      getRole: async (name) => (calls.push('getRole'), { name, arn: `arn:aws:iam::1:role/${name}`, trustPolicy: {} }),
      listOpenIDConnectProviders: async () => (calls.push('list'), ['arn:p']),
      getOpenIDConnectProvider: async (arn) => (calls.push('get'), { arn, url: 'u', clientIds: ['sts.amazonaws.com'] }),
    };
    const iam = new CachedIAM(inner, new TtlCache(clock));
    const all = () => Promise.all([iam.getRole('ca'), iam.listOpenIDConnectProviders(), iam.getOpenIDConnectProvider('arn:p')]);
    await all();
    await clock.advance(30 * MIN - 1);
    await all();
    expect(calls).toEqual(['getRole', 'list', 'get']);
    await clock.advance(1);
    await all();
    expect(calls).toEqual(['getRole', 'list', 'get', 'getRole', 'list', 'get']);
  });
});
