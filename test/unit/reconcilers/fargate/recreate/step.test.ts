/**
 * Strategy RecreateProfile through the FargatePlacement reconciler, pass by pass, with exact EKS calls.
 * A fake EKS port, not moto: moto makes profiles ACTIVE at once and deletes them at once (no CREATING, no DELETING;
 * see test/support/aws-seed.ts), so "wait for ACTIVE" and "only one profile DELETING at a time" can only be shown
 * against an EKS whose profiles take several passes to change state, as real EKS's do.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../../../../src/api/v1alpha1/defaults.js';
import type { MetricsStack, MetricsStackStatus } from '../../../../../src/api/v1alpha1/types.js';
import type { CreateFargateProfileInput, EKSPort, FargateProfile } from '../../../../../src/cloud/aws/ports.js';
import { AwsSessionSource, type RegionClients } from '../../../../../src/reconcilers/aws/session.js';
import { StackContext } from '../../../../../src/reconcilers/stack/context.js';
import { FargatePlacement } from '../../../../../src/reconcilers/fargate/index.js';
import { summarizeNodes } from '../../../../../src/reconcilers/platform/node-facts.js';
import { ec2Node, fargateNode } from '../../../../support/kwok-nodes.js';

/** Profiles that stay CREATING / DELETING for `lag` describes, then become ACTIVE / vanish, like EKS. */
class SlowEks {
  readonly calls: string[] = [];
  readonly profiles = new Map<string, { -readonly [K in keyof FargateProfile]: FargateProfile[K] } & { countdown: number }>();
  constructor(private readonly lag: number, names: string[]) {
    for (const n of names) this.profiles.set(n, { name: n, status: 'ACTIVE', selectors: [{ namespace: 'kube-system' }], podExecutionRoleArn: 'arn:aws:iam::123456789012:role/pod', subnets: ['subnet-1'], countdown: 0 });
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
  async describeFargateProfile(_c: string, name: string): Promise<FargateProfile> {
    const p = this.profiles.get(name);
    if (!p) throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
    const { countdown: _, ...profile } = p;
    return { ...profile, selectors: [...p.selectors] };
  }
  async createFargateProfile(input: CreateFargateProfileInput): Promise<FargateProfile> {
    if ([...this.profiles.values()].some((p) => p.status === 'DELETING')) throw Object.assign(new Error('a profile is DELETING'), { name: 'ResourceInUseException' });
    this.calls.push(`create ${input.name}`);
    const p = { name: input.name, status: 'CREATING', selectors: input.selectors, podExecutionRoleArn: input.podExecutionRoleArn, subnets: input.subnets, countdown: this.lag };
    this.profiles.set(input.name, p);
    return this.describeFargateProfile(input.clusterName, input.name);
  }
  async deleteFargateProfile(_c: string, name: string): Promise<void> {
    if ([...this.profiles.values()].some((p) => p.status === 'DELETING')) throw Object.assign(new Error('a profile is DELETING'), { name: 'ResourceInUseException' });
    const p = this.profiles.get(name)!;
    this.calls.push(`delete ${name} (replacement ${[...this.profiles.values()].find((r) => r.name === `${name}-v2`)?.status ?? 'absent'})`);
    p.status = 'DELETING';
    p.countdown = this.lag;
  }
}

const spec = (dryRun: boolean) => ({
  cluster: { name: 'demo', region: 'us-east-1' },
  fargate: {
    strategy: 'RecreateProfile' as const,
    recreateProfile: {
      dryRun,
      profiles: ['fp-a', 'fp-b'].map((name) => ({ name, replacementName: `${name}-v2`, selectors: [{ namespace: 'kube-system', labels: { compute: 'fargate' } }] })),
    },
  },
});

/** Runs passes like the parent does: each pass starts from the status the last one wrote. */
function harness(eks: SlowEks, dryRun: boolean) {
  const ports = { eks: eks as unknown as EKSPort, refresh: () => undefined } as unknown as RegionClients;
  const reconciler = new FargatePlacement({ aws: new AwsSessionSource({ clientsFor: () => ports }) });
  const nodes = summarizeNodes([ec2Node({ ip: '10.0.1.23' }), fargateNode({ ip: '10.0.2.45' })]);
  let status: MetricsStackStatus = {};
  return async () => {
    const stack: MetricsStack = { apiVersion: 'metricsstack.io/v1alpha1', kind: 'MetricsStack', metadata: { name: 'default', generation: 1 }, spec: spec(dryRun), status };
    const ctx = new StackContext(stack, withDefaults(stack.spec), new Date('2026-01-01T00:00:00Z'), pino({ level: 'silent' }));
    ctx.nodeFacts = nodes;
    const result = await reconciler.reconcile(ctx);
    status = ctx.status;
    eks.tick();
    const c = ctx.status.conditions?.find((x) => x.type === 'FargatePlacementSafe');
    return { phase: ctx.status.fargate?.phase, reason: c?.reason, message: c?.message, requeueAfterMs: result.requeueAfterMs };
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
    await eks.createFargateProfile({ clusterName: 'demo', name: 'fp-a-v2', podExecutionRoleArn: 'r', subnets: [], selectors: [{ namespace: 'kube-system', labels: { compute: 'fargate' } }] });
    eks.calls.length = 0;
    const pass = harness(eks, false); // a fresh reconciler with an empty status: all a restarted operator has
    const first = await pass();
    expect(first.message).toContain('Waiting for Fargate profile fp-a-v2 to become ACTIVE before deleting fp-a');
    expect(eks.calls).toEqual([]);
  });
});
