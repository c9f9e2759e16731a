/**
 * Strategy RecreateProfile through the FargatePlacement reconciler, pass by pass, with exact EKS calls.
 * A fake EKS port, not moto: moto makes profiles ACTIVE at once and deletes them at once (no CREATING, no DELETING;
 * see test/support/aws-seed.ts), so "wait for ACTIVE" and "only one profile DELETING at a time" can only be shown
 * against an EKS whose profiles take several passes to change state, as real EKS's do.
 */
import type { V1APIService, V1Pod } from '@kubernetes/client-node';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../../../../src/api/v1alpha1/defaults.js';
import type { MetricsStack, MetricsStackStatus } from '../../../../../src/api/v1alpha1/types.js';
import { TtlCache } from '../../../../../src/cloud/aws/cache.js';
import { CachedEKS } from '../../../../../src/cloud/aws/cached-eks.js';
import type { CreateFargateProfileInput, EKSPort, EksCluster, FargateProfile, ReadOptions } from '../../../../../src/cloud/aws/ports.js';
import { AWS_TTL_MS } from '../../../../../src/cloud/aws/ttl.js';
import type { ObjectClient } from '../../../../../src/kube/client.js';
import { ownershipLabels } from '../../../../../src/render/common/ownership.js';
import { AwsSessionSource, type RegionClients } from '../../../../../src/reconcilers/aws/session.js';
import { StackContext } from '../../../../../src/reconcilers/stack/context.js';
import { FargatePlacement } from '../../../../../src/reconcilers/fargate/index.js';
import { summarizeNodes } from '../../../../../src/reconcilers/platform/node-facts.js';
import { FakeClock } from '../../../../support/fake-clock.js';
import { ec2Node, fargateNode } from '../../../../support/kwok-nodes.js';

const ISSUER = 'https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123';
const NEW = [{ namespace: 'kube-system', labels: { compute: 'fargate' } }];

/** Profiles that stay CREATING / DELETING for `lag` describes, then become ACTIVE / vanish, like EKS. */
class SlowEks {
  readonly calls: string[] = [];
  /** Profiles read with { uncached: true }. */
  readonly fresh: string[] = [];
  readonly profiles = new Map<string, { -readonly [K in keyof FargateProfile]: FargateProfile[K] } & { countdown: number }>();
  constructor(private readonly lag: number, names: string[]) {
    for (const n of names) {
      const role = 'arn:aws:iam::123456789012:role/pod';
      const selectors = [{ namespace: 'kube-system' }];
      this.profiles.set(n, { name: n, status: 'ACTIVE', selectors, podExecutionRoleArn: role, subnets: ['subnet-1'], countdown: 0 });
    }
  }
  /** One tick per reconcile pass: transitions progress. */
  tick(): void {
    for (const p of [...this.profiles.values()]) {
      if (p.countdown > 0 && --p.countdown === 0) {
        if (p.status === 'DELETING') this.profiles.delete(p.name);
        else p.status = 'ACTIVE';
      }
    }
  }
  async listFargateProfiles(): Promise<string[]> {
    return [...this.profiles.keys()];
  }
  async describeCluster(name: string): Promise<EksCluster> {
    return { name, arn: `arn:aws:eks:us-east-1:123456789012:cluster/${name}`, version: '1.34', status: 'ACTIVE', oidcIssuer: ISSUER };
  }
  async describeFargateProfile(_c: string, name: string, o?: ReadOptions): Promise<FargateProfile> {
    if (o?.uncached) this.fresh.push(name);
    const p = this.profiles.get(name);
    if (!p) throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
    const { countdown: _, ...profile } = p;
    return { ...profile, selectors: [...p.selectors] };
  }
  async createFargateProfile(input: CreateFargateProfileInput): Promise<FargateProfile> {
    if ([...this.profiles.values()].some((p) => p.status === 'DELETING')) {
      throw Object.assign(new Error('a profile is DELETING'), { name: 'ResourceInUseException' });
    }
    this.calls.push(`create ${input.name}`);
    const p = {
      name: input.name, status: 'CREATING', selectors: input.selectors, podExecutionRoleArn: input.podExecutionRoleArn, subnets: input.subnets,
      countdown: this.lag,
    };
    this.profiles.set(input.name, p);
    return this.describeFargateProfile(input.clusterName, input.name);
  }
  async deleteFargateProfile(_c: string, name: string): Promise<void> {
    if ([...this.profiles.values()].some((p) => p.status === 'DELETING')) {
      throw Object.assign(new Error('a profile is DELETING'), { name: 'ResourceInUseException' });
    }
    const p = this.profiles.get(name)!;
    this.calls.push(`delete ${name} (replacement ${[...this.profiles.values()].find((r) => r.name === `${name}-v2`)?.status ?? 'absent'})`);
    p.status = 'DELETING';
    p.countdown = this.lag;
  }
}

const spec = (dryRun: boolean, originals = ['fp-a', 'fp-b']) => ({
  cluster: { name: 'demo', region: 'us-east-1' },
  fargate: {
    strategy: 'RecreateProfile' as const,
    recreateProfile: { dryRun, profiles: originals.map((name) => ({ name, replacementName: `${name}-v2`, selectors: NEW })) },
  },
});

interface HarnessOptions {
  /** The EKS port the reconciler reads through (default: the fake itself, so every read is fresh). */
  readonly port?: EKSPort;
  /** Owner label of the live v1beta1.metrics.k8s.io APIService; null: there is none. */
  readonly apiServiceOwner?: string | null;
  /** The service-account issuer this apiserver publishes. */
  readonly issuer?: string;
  /** Every pod of the cluster, as a list returns them. */
  readonly pods?: V1Pod[];
  readonly originals?: string[];
}

/** Runs passes like the parent does: each pass starts from the status the last one wrote. */
function harness(eks: SlowEks, dryRun: boolean, o: HarnessOptions = {}) {
  const ports = { eks: o.port ?? (eks as unknown as EKSPort), refresh: () => undefined } as unknown as RegionClients;
  const owner = o.apiServiceOwner === undefined ? 'default' : o.apiServiceOwner;
  const apiService: V1APIService | undefined = owner === null ? undefined : { metadata: { name: 'v1beta1.metrics.k8s.io', labels: ownershipLabels(owner) } };
  const pods = o.pods ?? [];
  const objects = {
    listKind: async (_v: string, _k: string, lo: { namespace?: string } = {}) =>
      ({ items: pods.filter((p) => !lo.namespace || p.metadata?.namespace === lo.namespace) }),
  } as unknown as Pick<ObjectClient, 'listKind'>;
  const reconciler = new FargatePlacement({
    aws: new AwsSessionSource({ clientsFor: () => ports, apiserverIssuer: async () => o.issuer ?? ISSUER }),
    objects,
    apiServices: { get: (name) => (name === apiService?.metadata?.name ? apiService : undefined), list: () => (apiService ? [apiService] : []) },
  });
  const nodes = summarizeNodes([ec2Node({ ip: '10.0.1.23' }), fargateNode({ ip: '10.0.2.45' })]);
  let status: MetricsStackStatus = {};
  return async (now: { dryRun?: boolean } = {}) => {
    const stackSpec = spec(now.dryRun ?? dryRun, o.originals);
    const metadata = { name: 'default', generation: 1 };
    const stack: MetricsStack = { apiVersion: 'metricsstack.io/v1alpha1', kind: 'MetricsStack', metadata, spec: stackSpec, status };
    const ctx = new StackContext(stack, withDefaults(stack.spec), new Date('2026-01-01T00:00:00Z'), pino({ level: 'silent' }));
    ctx.nodeFacts = nodes;
    const result = await reconciler.reconcile(ctx);
    status = ctx.status;
    eks.tick();
    const c = ctx.status.conditions?.find((x) => x.type === 'FargatePlacementSafe');
    return { phase: ctx.status.fargate?.phase, status: c?.status, reason: c?.reason, message: c?.message, requeueAfterMs: result.requeueAfterMs,
      plan: ctx.status.fargate?.plan?.map((p) => p.state).join(' ') };
  };
}

describe('RecreateProfile against an EKS whose profiles take time to change', () => {
  it('creates, waits for ACTIVE, deletes, waits for the deletion, and only then starts the next profile', async () => {
    const eks = new SlowEks(2, ['fp-a', 'fp-b']);
    const pass = harness(eks, false);
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await pass();
      seen.push(`${r.phase} ${r.reason}`);
      if (r.phase === 'Completed') break;
    }
    // Never a delete while the replacement is not ACTIVE, never a write while another profile is DELETING.
    expect(eks.calls).toEqual(['create fp-a-v2', 'delete fp-a (replacement ACTIVE)', 'create fp-b-v2', 'delete fp-b (replacement ACTIVE)']);
    expect([...eks.profiles.keys()].sort()).toEqual(['fp-a-v2', 'fp-b-v2']);
    expect(seen.filter((s) => s.startsWith('InProgress')).length).toBeGreaterThanOrEqual(8);
    // On completion FargatePlacement hands over to the pod verifier (run after the backends), which sets the verdict.
    expect(seen.at(-1)).toMatch(/^Completed /);
  });

  it('waits with a poll interval while a profile it did not touch is DELETING, without calling create or delete', async () => {
    const eks = new SlowEks(3, ['fp-a', 'fp-b', 'fp-other']);
    Object.assign(eks.profiles.get('fp-other')!, { status: 'DELETING', countdown: 3 });
    const pass = harness(eks, false);
    const first = await pass();
    expect(first).toMatchObject({ phase: 'InProgress', reason: 'RecreatingProfile', requeueAfterMs: 60_000 });
    expect(first.message).toContain('Waiting for Fargate profile fp-other to finish DELETING');
    expect(eks.calls).toEqual([]);
  });

  it('with dryRun shows the plan and writes nothing, however many passes run', async () => {
    const eks = new SlowEks(1, ['fp-a', 'fp-b']);
    const pass = harness(eks, true);
    for (let i = 0; i < 3; i++) expect(await pass()).toMatchObject({ phase: 'Planned', reason: 'RecreationPlanned' });
    expect(eks.calls).toEqual([]);
  });

  it('resumes from AWS after a restart: a replacement already CREATING is waited for, not created again', async () => {
    const eks = new SlowEks(2, ['fp-a', 'fp-b']);
    await eks.createFargateProfile({ clusterName: 'demo', name: 'fp-a-v2', podExecutionRoleArn: 'r', subnets: [], selectors: NEW });
    eks.calls.length = 0;
    const pass = harness(eks, false); // a fresh reconciler with an empty status: all a restarted operator has
    const first = await pass();
    expect(first.message).toContain('Waiting for Fargate profile fp-a-v2 to become ACTIVE before deleting fp-a');
    expect(eks.calls).toEqual([]);
  });

  it('deletes an original only after an uncached read shows its replacement ACTIVE: one the cache still shows is created again', async () => {
    const eks = new SlowEks(1, ['fp-a']);
    eks.profiles.set('fp-a-v2', { ...eks.profiles.get('fp-a')!, name: 'fp-a-v2', selectors: NEW });
    const clock = new FakeClock();
    const pass = harness(eks, true, { port: new CachedEKS(eks as unknown as EKSPort, new TtlCache(clock), clock), originals: ['fp-a'] });
    expect(await pass()).toMatchObject({ phase: 'Planned', plan: 'Done Done Pending' }); // fp-a-v2 ACTIVE, now cached for 30 min
    eks.profiles.delete('fp-a-v2'); // someone deletes the replacement
    expect(await pass({ dryRun: false })).toMatchObject({ phase: 'InProgress', plan: 'InProgress Pending Pending' });
    expect(eks.calls).toEqual(['create fp-a-v2']);
    for (let i = 0; i < 5; i++) {
      await clock.advance(AWS_TTL_MS.fargateTransitioning); // the short TTL while the cluster's profiles change
      if ((await pass({ dryRun: false })).phase === 'Completed') break;
    }
    expect(eks.calls).toEqual(['create fp-a-v2', 'delete fp-a (replacement ACTIVE)']);
    expect(eks.fresh).toEqual(['fp-a-v2', 'fp-a-v2']);
  });

  it.each([
    ['another stack owns metrics.k8s.io', { apiServiceOwner: 'other' }, 'False', 'NotMetricsAPIOwner', 'belongs to MetricsStack "other"'],
    ['this stack does not serve metrics.k8s.io yet', { apiServiceOwner: null }, 'Unknown', 'NotMetricsAPIOwner', 'not served by this MetricsStack yet'],
    ['the EKS cluster has another OIDC issuer than this apiserver', { issuer: 'https://kubernetes.default.svc.cluster.local' }, 'False',
      'ClusterIdentityUnverified',
      `has OIDC issuer ${ISSUER}, but this cluster's service-account issuer is https://kubernetes.default.svc.cluster.local`],
    ['the replacement would not select a pod the original runs',
      { pods: [{ metadata: { name: 'coredns-1', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } } }] },
      'False', 'ReplacementUncovered', 'pod kube-system/coredns-1 (k8s-app=kube-dns)'],
  ] as const)('makes no AWS write when %s', async (_n, o, status, reason, message) => {
    const eks = new SlowEks(1, ['fp-a', 'fp-b']);
    const pass = harness(eks, false, o as HarnessOptions);
    for (let i = 0; i < 3; i++) expect(await pass()).toMatchObject({ status, reason, message: expect.stringContaining(message) });
    expect(eks.calls).toEqual([]);
    expect(eks.profiles.size).toBe(2);
  });
});
