import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WATCH_PROGRESS_DEADLINE_MS } from '../../src/controllers/watch-timing.js';
import { CONNECTION_PROBE_TIMEOUT_MS } from '../../src/kube/shared-connection.js';
import type { TestCluster } from '../support/cluster.js';
import { killAndRestart } from '../support/faults.js';
import { kubeconfigVia, stallableRelay, startFaultWorld, type FaultWorld, type StallableRelay } from '../support/watch-faults.js';
import type { OperatorProcess } from '../support/operator.js';
import { sleep } from '../support/procs.js';
import { condition, until } from '../support/stacks.js';

/**
 * The fault suite of issue 15, on the real control plane: each fault is made by killing a process or stalling a
 * connection, and each test prints its measured recovery time. Leader election is off here: these tests measure the
 * informers' recovery; what an outage does to the lease is leader election's own suite. faults-sync.test.ts has the
 * faults that keep caches from syncing.
 */
let world: FaultWorld;
let cluster: TestCluster;
let runner: FaultWorld['runner'];
let stacks: FaultWorld['stacks'];
let core: CoreV1Api;
const scratch = mkdtempSync(join(tmpdir(), 'metricsstack-faults-'));
const SA = { name: 'metrics-server', namespace: 'kube-system' };
/** A reconcile after the apiserver (or etcd) is back: deletion seen, object re-applied. */
const RESTART_BOUND_MS = 10_000;
/** The informer's stated bound for a stalled connection, plus the restart, the resumed watch and one reconcile. */
const STALL_BOUND_MS = WATCH_PROGRESS_DEADLINE_MS + CONNECTION_PROBE_TIMEOUT_MS + 10_000;

const saUid = async (): Promise<string | undefined> => (await core.readNamespacedServiceAccount(SA).catch(() => undefined))?.metadata?.uid;
const managed = async (): Promise<string> => (await cluster.kubectl(['get', '-A', '-o', 'name', '-l', 'app.kubernetes.io/managed-by=metricsstack-operator',
  'serviceaccounts,services,configmaps,secrets,deployments,poddisruptionbudgets,clusterroles,clusterrolebindings,rolebindings,apiservices'])).stdout;
/**
 * MetricsAPIAvailable (and so Ready) mirrors the aggregator, which flips as kwok's pods come and go: with no real
 * metrics-server here it moves between False and Unknown over minutes (seen in CI both ways round), so only whether
 * it is True counts.
 */
const mirrored = new Set(['MetricsAPIAvailable', 'Ready']);
const conditions = async (): Promise<string> => JSON.stringify((await stacks.get('default')).status?.conditions?.map((c) =>
  mirrored.has(c.type) ? [c.type, c.status === 'True' ? 'True' : 'not True'] : [c.type, c.status, c.reason]));
const relists = (op: OperatorProcess): number => op.logs().split('\n').filter((l) => l.includes('relisted: the watch could not resume')).length;

/** Deletes the managed ServiceAccount and resolves with the milliseconds until the operator has recreated it. */
async function deleteAndTimeRepair(timeoutMs: number): Promise<number> {
  const before = await saUid();
  const t0 = Date.now();
  await core.deleteNamespacedServiceAccount(SA);
  await until('the operator to recreate the ServiceAccount', async () => { const uid = await saUid(); return !!uid && uid !== before; }, timeoutMs);
  return Date.now() - t0;
}

/** The operator survived the fault without an error it did not handle, and the stack's state is as before it. */
async function expectConverged(op: OperatorProcess, objectsBefore: string, conditionsBefore: string): Promise<void> {
  expect(await managed()).toBe(objectsBefore);
  // Up to the backend's startup grace (60 s) and a pass.
  await until('the status to converge to what it was', async () => (await conditions()) === conditionsBefore, 90_000).catch(() => undefined);
  const s = await stacks.get('default');
  expect(await conditions(), JSON.stringify(s.status?.conditions?.map((c) => `${c.type}=${c.status} ${c.reason}: ${c.message}`))).toBe(conditionsBefore);
  expect(s.status?.observedGeneration).toBe(s.metadata.generation);
  expect(op.proc.exited).toBe(false);
  expect(op.logs()).not.toMatch(/"level":"(error|fatal)"|Unhandled|uncaught/i);
}

beforeAll(async () => {
  world = await startFaultWorld(scratch, { preset: 'eks-mixed' });
  ({ cluster, runner, stacks } = world);
  core = cluster.kubeConfig.makeApiClient(CoreV1Api);
});
afterAll(() => world?.stop());

describe('the operator, through a relay it shares one connection over', () => {
  let relay: StallableRelay;
  let op: OperatorProcess;
  beforeAll(async () => {
    relay = await stallableRelay(cluster.ports.apiserver);
    op = await runner.start(kubeconfigVia(cluster, relay.server, join(scratch, 'relayed.kubeconfig')), 'relayed', ['--leader-elect', 'false']);
    await until('the operator to be ready', async () => (await fetch(`${op.healthUrl}/readyz`).catch(() => undefined))?.status === 200, 60_000);
  });
  afterAll(() => relay?.close());

  it(`idle when its connection stalls: notices a spec change through the watch progress deadline, within ${STALL_BOUND_MS / 1000} s`, async () => {
    // provider none is Ready at once and requeues nothing: no request of its own would find the stall first.
    await stacks.create('quiet', { resourceMetrics: { provider: 'none' } });
    await until('the quiet stack to be Ready', async () => condition(await stacks.get('quiet'), 'Ready')?.status === 'True');
    const connectionsBefore = relay.connections();
    relay.stall();
    const t0 = Date.now();
    await stacks.patchSpec('quiet', '/spec/deletionPolicy', 'Orphan');
    await until('the change to be reconciled', async () => (await stacks.get('quiet')).status?.observedGeneration === 2, STALL_BOUND_MS + 60_000);
    const ms = Date.now() - t0;
    console.log(`[faults] stalled connection, idle operator: spec change reconciled in ${ms} ms (bound ${STALL_BOUND_MS} ms)`);
    expect(ms).toBeLessThan(STALL_BOUND_MS);
    expect(op.logs()).toContain('watch silent past its progress deadline; checking the connection');
    expect(relay.connections()).toBeGreaterThan(connectionsBefore);
    expect((await fetch(`${op.healthUrl}/readyz`)).status).toBe(200);
  }, 300_000);

  describe('with a metrics-server stack (it rechecks the metrics API every 10 s while its failure changes, less often while it stands still)', () => {
    let objectsBefore: string;
    let conditionsBefore: string;
    beforeAll(async () => {
      await stacks.create('default', { metricsServer: { kubeletTLS: 'Insecure' } });
      await until('the managed ServiceAccount', async () => !!(await saUid()), 60_000);
      await until('the first status', async () => (await stacks.get('default')).status?.observedGeneration === 1, 60_000);
      // The baseline is the started backend's, past its rollout grace (backends/starting.ts).
      await until('the backend to be past its startup grace', async () =>
        !(await stacks.get('default')).status?.conditions?.some((c) => c.reason === 'Starting'), 120_000);
      await until('the conditions to hold still for 3 s', async () => {
        const c = await conditions();
        await sleep(3_000);
        return c === await conditions();
      }, 60_000);
      [objectsBefore, conditionsBefore] = [await managed(), await conditions()];
    });

    it('kube-apiserver SIGKILLed and down 20 s: a deleted managed object is recreated within 10 s after it is back', async () => {
      const relistsBefore = relists(op);
      const { outageMs } = await killAndRestart(cluster, 'kube-apiserver', 20_000);
      const ms = await deleteAndTimeRepair(60_000);
      console.log(`[faults] kube-apiserver restart (outage ${outageMs} ms): deleted ServiceAccount recreated in ${ms} ms; ` +
        `${relists(op) - relistsBefore} informers relisted after 410 Gone on resume`);
      expect(ms).toBeLessThan(RESTART_BOUND_MS);
      // The new apiserver's watch cache starts after the operator's last resourceVersion: resuming there is refused.
      expect(relists(op) - relistsBefore).toBeGreaterThan(0);
      await expectConverged(op, objectsBefore, conditionsBefore);
    }, 180_000);

    it('etcd SIGKILLed and down 20 s: a deleted managed object is recreated within 10 s after the apiserver is ready again', async () => {
      const { outageMs } = await killAndRestart(cluster, 'etcd', 20_000);
      const ms = await deleteAndTimeRepair(60_000);
      console.log(`[faults] etcd restart (outage ${outageMs} ms until the apiserver was ready): deleted ServiceAccount recreated in ${ms} ms`);
      expect(ms).toBeLessThan(RESTART_BOUND_MS);
      await expectConverged(op, objectsBefore, conditionsBefore);
    }, 180_000);

    it(`busy when its connection stalls: a deleted managed object is recreated within ${STALL_BOUND_MS / 1000} s, not at the resync`, async () => {
      const connectionsBefore = relay.connections();
      relay.stall();
      const ms = await deleteAndTimeRepair(STALL_BOUND_MS + 60_000);
      console.log(`[faults] stalled connection, busy operator: deleted ServiceAccount recreated in ${ms} ms (bound ${STALL_BOUND_MS} ms)`);
      expect(ms).toBeLessThan(STALL_BOUND_MS);
      expect(relay.connections()).toBeGreaterThan(connectionsBefore);
      await expectConverged(op, objectsBefore, conditionsBefore);
      expect((await fetch(`${op.healthUrl}/readyz`)).status).toBe(200);
    }, 300_000);
  });
});
