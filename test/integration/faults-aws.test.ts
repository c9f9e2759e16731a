/**
 * AWS faults (issue 15): the operator's SDK clients reach moto through a relay that throttles ~30 % of requests (HTTP
 * 400 ThrottlingException / Throttling, HTTP 429), fails some with 5xx and adds latency, from a seeded RNG. The same
 * EKS stack — Fargate RecreateProfile plus Cluster Autoscaler IRSA and ASG tags — is run once without faults and once
 * with them: it must reach the same conditions, by the SDK's own retries, and moto's own request log must show no
 * original profile deleted before its replacement was ACTIVE and read back.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsStack } from '../../src/api/v1alpha1/types.js';
import { NO_FAULTS, startAwsFaultRelay, type AwsFaultRelay, type FaultRates, type RelayCounts } from '../support/aws-fault-relay.js';
import { seedEks, type SeededEks } from '../support/aws-seed.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { installCrd } from '../support/crd.js';
import { motoRecording, profileDeletionViolations, profileEvents, resetMotoRecording } from '../support/moto-recording.js';
import { resetMoto, startMoto, type Moto } from '../support/moto.js';
import { OperatorRunner, type OperatorProcess } from '../support/operator.js';
import { condition, stackApi, until } from '../support/stacks.js';

const FAULTS: FaultRates = { throttle400: 0.15, throttle429: 0.15, serverError: 0.05, maxLatencyMs: 50 };
const SEED = 15;
const REPLACEMENT_OF = { 'fp-kube-system': 'fp-kube-system-v2', 'fp-default': 'fp-default-v2' };

let cluster: TestCluster;
let moto: Moto;
let relay: AwsFaultRelay;
let seed: SeededEks;
let stacks: ReturnType<typeof stackApi>;

const spec = () => ({
  metricsServer: { kubeletTLS: 'Insecure' },
  fargate: { strategy: 'RecreateProfile', recreateProfile: { dryRun: false, profiles: [
    { name: 'fp-kube-system', replacementName: 'fp-kube-system-v2', selectors: [{ namespace: 'kube-system', labels: { compute: 'fargate' } }] },
    { name: 'fp-default', replacementName: 'fp-default-v2', selectors: [{ namespace: 'default', labels: { compute: 'fargate' } }] },
  ] } },
  clusterAutoscaler: { roleARN: seed.caRole.arn, manageASGTags: true },
});
const converged = (s: MetricsStack) => s.status?.observedGeneration === s.metadata?.generation && s.status?.fargate?.phase === 'Completed' &&
  condition(s, 'FargatePlacementSafe')?.status === 'True' && condition(s, 'ClusterAutoscalerReady')?.status === 'True';
/** MetricsAPIAvailable (and so Ready) mirror the aggregator, which flips as kwok's pods come and go: status only. */
const mirrored = new Set(['MetricsAPIAvailable', 'Ready']);
const conditionSet = (s: MetricsStack) => (s.status?.conditions ?? []).map((c) => `${c.type}=${c.status}${mirrored.has(c.type) ? '' : `/${c.reason}`}`).sort();
const untilStack = (what: string, ok: (s: MetricsStack) => boolean, timeoutMs: number) =>
  until(what, async () => ok(await stacks.get('default')), timeoutMs).catch(async (err: Error) => {
    throw new Error(`${err.message}\nstatus: ${JSON.stringify((await stacks.get('default')).status, null, 1)}`);
  });
/** metricsstack_aws_calls_total summed: operations as the operator made them, before the SDK's retries. */
const awsOperations = async (op: OperatorProcess) => [...(await (await fetch(op.metricsUrl)).text())
  .matchAll(/^metricsstack_aws_calls_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);

interface Run { ms: number; conditions: string[]; counts: RelayCounts; operations: number; motoSaw: number;
  check: ReturnType<typeof profileDeletionViolations> }

/** Seeds a fresh moto, starts an operator behind the relay with `rates`, creates the stack and times convergence. */
async function runStack(rates: FaultRates, keepOperator?: (op: OperatorProcess) => Promise<void>): Promise<Run> {
  await resetMoto(moto.endpoint);
  await resetMotoRecording(moto.endpoint);
  seed = await seedEks(moto.endpoint);
  // The seed's requests went to moto directly; the operator's all go through the relay.
  const seeded = (await motoRecording(moto.endpoint)).length;
  relay.rates = rates;
  relay.resetCounts();
  const runner = new OperatorRunner();
  // AWS_MAX_ATTEMPTS '' undoes the test default of 1: the operator's own retry settings apply (clients.ts).
  const op = await runner.start(cluster.kubeconfigPath, 'op', ['--leader-elect', 'false'],
    { env: { ...moto.env, AWS_ENDPOINT_URL: relay.endpoint, AWS_MAX_ATTEMPTS: '' } });
  try {
    const t0 = Date.now();
    await stacks.create('default', spec());
    await untilStack('converged', converged, 180_000);
    const ms = Date.now() - t0;
    const operations = await awsOperations(op);
    const counts = { ...relay.counts };
    const log = await motoRecording(moto.endpoint);
    const s = await stacks.get('default');
    await keepOperator?.(op);
    await stacks.delete('default');
    await until('the stack deleted', async () => !(await stacks.exists('default')), 60_000);
    return { ms, conditions: conditionSet(s), counts, operations, motoSaw: log.length - seeded,
      check: profileDeletionViolations(profileEvents(log), REPLACEMENT_OF) };
  } finally {
    await runner.stop();
  }
}

beforeAll(async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'metricsstack-aws-faults-'));
  const motoUp = startMoto(30_000, { recordTo: join(scratch, 'moto-recording.jsonl') });
  // moto draws the OIDC issuer once per process: it survives the reset between runs, so the apiserver keeps matching.
  const seeded = motoUp.then((m) => seedEks(m.endpoint));
  [cluster, moto, seed] = await Promise.all([startCluster({ preset: 'eks-mixed', serviceAccountIssuer: seeded.then((x) => x.issuerUrl) }), motoUp, seeded]);
  relay = await startAwsFaultRelay(moto.endpoint, SEED);
  stacks = stackApi(cluster.kubeConfig);
  await installCrd(cluster);
  await cluster.kubeConfig.makeApiClient(CoreV1Api).createNamespacedServiceAccount({ namespace: 'kube-system', body: { metadata: { name: 'cluster-autoscaler' } } });
});
afterAll(async () => {
  await relay?.stop();
  await Promise.all([cluster?.stop(), moto?.stop()]);
});

describe('AWS faults: throttling, 429 and 5xx from a relay in front of moto', () => {
  let clean: Run;

  it('without faults: converges, with no retries and every original deleted only after its replacement was ACTIVE', async () => {
    clean = await runStack(NO_FAULTS);
    console.log(`AWS faults, baseline: converged in ${clean.ms} ms; ${clean.operations} operations, ${clean.counts.requests} requests`);
    expect(clean.counts).toMatchObject({ throttle400: 0, throttle429: 0, serverError: 0 });
    expect(clean.counts.requests).toBe(clean.operations);
    expect(clean.motoSaw).toBe(clean.counts.forwarded);
    expect(clean.check).toEqual({ violations: [], originalsDeleted: 2 });
  });

  it('with ~35 % faults and latency: the same conditions, by the SDK\'s own retries, with the deletion order kept', async () => {
    const faulty = await runStack(FAULTS, async (op) => {
      // Throttling that outlasts the SDK's retries is named, with the API, in the condition.
      relay.rates = { ...NO_FAULTS, throttle400: 1 };
      await stacks.patchSpec('default', '/spec/clusterAutoscaler/roleARN', seed.wrongSubRole.arn);
      await untilStack('ClusterAutoscalerReady Throttled', (s) => condition(s, 'ClusterAutoscalerReady')?.reason === 'Throttled', 90_000);
      const c = condition(await stacks.get('default'), 'ClusterAutoscalerReady')!;
      expect(c.status).toBe('Unknown');
      expect(c.message).toMatch(/AWS throttled (iam|eks|autoscaling):[A-Za-z]+ while .*the operator backs off and tries again/);
      expect(op.logs()).not.toMatch(/unhandled|uncaught/i);
      relay.rates = NO_FAULTS;
      await untilStack('RoleTrustPolicyMismatch once AWS answers', (s) => condition(s, 'ClusterAutoscalerReady')?.reason === 'RoleTrustPolicyMismatch', 90_000);
    });
    const { counts } = faulty;
    const injected = counts.throttle400 + counts.throttle429 + counts.serverError;
    console.log(`AWS faults, seed ${SEED}: converged in ${faulty.ms} ms (baseline ${clean.ms} ms); ${faulty.operations} operations, ` +
      `${counts.requests} requests, injected ${counts.throttle400}×400 throttling, ${counts.throttle429}×429, ${counts.serverError}×5xx ` +
      `(${((100 * injected) / counts.requests).toFixed(0)} %); moto saw ${faulty.motoSaw}`);
    expect(faulty.conditions).toEqual(clean.conditions);
    expect(injected).toBeGreaterThan(0);
    // Every request the relay let through reached moto, and the SDK retried: more requests than operations.
    expect(faulty.motoSaw).toBe(counts.forwarded);
    expect(counts.requests).toBeGreaterThan(faulty.operations);
    expect(faulty.check).toEqual({ violations: [], originalsDeleted: 2 });
  });
});
