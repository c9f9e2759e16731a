import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoordinationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditArgs, readAudit } from '../../bench/audit.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { installCrd } from '../support/crd.js';
import { apiserverReady, killAndRestart, pauseAndResume, skewedClockEnv } from '../support/faults.js';
import { identityOf, operatorWrites, writesOutsideTheirTerm } from '../support/leader-audit.js';
import { OperatorRunner, type OperatorProcess } from '../support/operator.js';
import { sleep, waitFor } from '../support/procs.js';
import { stackApi } from '../support/stacks.js';

// Short durations for the skew and kill tests; the outage tests run with the defaults (15 s / 10 s / 2 s).
const LEASE_MS = 4_000;
const RETRY_MS = 500;
const fast = ['--leader-election-lease-duration', '4s', '--leader-election-renew-deadline', '3s', '--leader-election-retry-period', '500ms'];
/** A standby reads the Lease once per retry period: it sees the last renewal, and later the expiry, up to one period late each. */
const TAKEOVER_BOUND_MS = LEASE_MS + 2 * RETRY_MS + 1_000; // + 1 s for the API calls on a loaded 2-core machine

let cluster: TestCluster;
let runner: OperatorRunner;
let stacks: ReturnType<typeof stackApi>;
let auditDir: string;
let auditLog: string;

beforeAll(async () => {
  auditDir = mkdtempSync(join(tmpdir(), 'leader-faults-audit-'));
  const audit = auditArgs(auditDir, 'admin');
  auditLog = audit.logFile;
  cluster = await startCluster({ preset: 'none', apiserverExtraArgs: audit.args });
  await installCrd(cluster);
  stacks = stackApi(cluster.kubeConfig);
  runner = new OperatorRunner();
});
afterAll(async () => {
  await runner?.stop();
  await cluster?.stop();
  if (auditDir) rmSync(auditDir, { recursive: true, force: true });
});

const poll = (what: string, check: () => Promise<boolean>, timeoutMs = 30_000) => waitFor(what, check, { timeoutMs, watch: [], intervalMs: 100 });
const holder = async () => (await cluster.kubeConfig.makeApiClient(CoordinationV1Api)
  .readNamespacedLease({ name: 'metricsstack-operator', namespace: 'default' }).catch(() => undefined))?.spec?.holderIdentity;
const leads = (op: OperatorProcess, timeoutMs?: number) => poll(`${op.identity} to lead`, async () => (await holder()) === op.identity, timeoutMs);
const standsBy = (op: OperatorProcess) =>
  poll(`${op.identity} to stand by (ready)`, async () => (await fetch(`${op.healthUrl}/readyz`).catch(() => undefined))?.status === 200);
const generation = async () => (await stacks.get('faults')).metadata.generation ?? 0;
const reconciled = (gen: number) => poll(`generation ${gen} reconciled`, async () => (await stacks.get('faults')).status?.observedGeneration === gen);
let toggle = 0;
/** A spec change: each one is a new generation for the leader to reconcile and write status for. */
const changeSpec = () => stacks.patchSpec('faults', '/spec/deletionPolicy', toggle++ % 2 === 0 ? 'Orphan' : 'Delete');

/** kill -9 of `leader`, a spec change while no one leads, and the times until `successor` leads and has reconciled it. */
async function killLeader(leader: OperatorProcess, successor: OperatorProcess): Promise<{ takeoverMs: number; reconciledMs: number }> {
  const killedAt = Date.now();
  leader.signal('SIGKILL');
  await changeSpec();
  const gen = await generation();
  await leads(successor);
  const takeoverMs = Date.now() - killedAt;
  await reconciled(gen);
  return { takeoverMs, reconciledMs: Date.now() - killedAt };
}

describe('leader election with one operator whose wall clock runs an hour ahead (libfaketime)', () => {
  let a: OperatorProcess;
  let b: OperatorProcess;
  let c: OperatorProcess;
  beforeAll(async () => {
    a = await runner.start(cluster.kubeconfigPath, 'skew-a', fast);
    await leads(a);
    b = await runner.start(cluster.kubeconfigPath, 'skew-b', fast, { env: skewedClockEnv('+1h') });
    await standsBy(b);
    await stacks.create('faults', {});
    await reconciled(1);
  });
  afterAll(async () => {
    for (const op of [a, b, c]) op?.signal('SIGTERM');
    await Promise.all([a, b, c].map((op) => op?.proc.exit));
  });

  it('the skewed standby never takes the lease from a leader that keeps renewing it, through 40 spec changes', async () => {
    for (let i = 0; i < 40; i++) {
      await changeSpec();
      await sleep(250);
    }
    await reconciled(await generation());
    expect(await holder()).toBe('skew-a');
    expect(await b.reconciles()).toBe(0);
    expect(b.logs()).not.toContain('became leader');
  });

  it('on kill -9 of the leader, the skewed standby takes over within the lease duration and reconciles the change made meanwhile', async () => {
    const { takeoverMs, reconciledMs } = await killLeader(a, b);
    console.log(`[leader] kill -9: skewed standby leads after ${takeoverMs} ms, has reconciled the change made meanwhile after ${reconciledMs} ms`);
    // Never before the lease could have expired on the standby's own clock, whatever its wall clock says.
    expect(takeoverMs).toBeGreaterThanOrEqual(LEASE_MS - 2 * RETRY_MS);
    expect(takeoverMs).toBeLessThanOrEqual(TAKEOVER_BOUND_MS);
    expect(await b.reconciles()).toBeGreaterThan(0);
  });

  it('on kill -9 of the skewed leader, a standby with a true clock takes over within the lease duration, not an hour later', async () => {
    c = await runner.start(cluster.kubeconfigPath, 'skew-c', fast);
    await standsBy(c);
    const { takeoverMs, reconciledMs } = await killLeader(b, c);
    console.log(`[leader] kill -9 of the skewed leader: standby leads after ${takeoverMs} ms, has reconciled the change after ${reconciledMs} ms`);
    expect(takeoverMs).toBeLessThanOrEqual(TAKEOVER_BOUND_MS);
  });

  it('no operator wrote while another held the lease: every write falls in its writer\'s term (the apiserver audit log)', () => {
    const events = readAudit(auditLog);
    const writers = new Set(operatorWrites(events).map(identityOf));
    expect([...writers].sort()).toEqual(['skew-a', 'skew-b', 'skew-c']);
    expect(writesOutsideTheirTerm(events).map((e) => `${identityOf(e)} ${e.verb} ${e.resource}/${e.name ?? ''}`)).toEqual([]);
  });
});

describe('an apiserver outage with leader election on (lease 15 s, renew deadline 10 s)', () => {
  let op: OperatorProcess;
  const apps = () => cluster.kubeConfig.makeApiClient(AppsV1Api);
  const ref = { name: 'metrics-server', namespace: 'kube-system' };
  const uid = async () => (await apps().readNamespacedDeployment(ref).catch(() => undefined))?.metadata?.uid;
  beforeAll(async () => {
    op = await runner.start(cluster.kubeconfigPath, 'outage');
    await leads(op);
    await poll('outage to reconcile', async () => (await op.reconciles()) > 0);
    await poll('the metrics-server Deployment', async () => (await uid()) !== undefined);
  });
  afterAll(async () => {
    op?.signal('SIGTERM');
    await op?.proc.exit;
  });

  it.each([
    { fault: 'SIGSTOP for 15 s', run: () => pauseAndResume(cluster, 'kube-apiserver', 15_000, () => apiserverReady(cluster)) },
    { fault: 'SIGKILL, down 20 s, restarted with the same flags', run: async () => (await killAndRestart(cluster, 'kube-apiserver', 20_000)).backAt },
  ])('$fault: the process stays up and healthy, leads again, and recreates a deleted Deployment within 10 s', async ({ run }) => {
    const count = (msg: RegExp) => (op.logs().match(msg) ?? []).length;
    const [terms, losses] = [count(/became leader/g), count(/lost leadership/g)];
    const unhealthy: string[] = [];
    let probing = true;
    const probes = (async () => {
      while (probing) {
        const status = await fetch(`${op.healthUrl}/healthz`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.status, (e: Error) => e.name);
        if (status !== 200) unhealthy.push(String(status));
        await sleep(500);
      }
    })();
    const backAt = await run();
    const before = await uid();
    await apps().deleteNamespacedDeployment(ref);
    await poll('the Deployment recreated', async () => ![undefined, before].includes(await uid()));
    const recoveredMs = Date.now() - backAt;
    probing = false;
    await probes;
    console.log(`[outage] apiserver back → deleted Deployment recreated in ${recoveredMs} ms`);
    expect(op.proc.exited).toBe(false);
    expect(unhealthy).toEqual([]);
    expect([count(/lost leadership/g), count(/became leader/g)]).toEqual([losses + 1, terms + 1]);
    expect(recoveredMs).toBeLessThanOrEqual(10_000);
  });

  it('logs no unhandled error through both outages', () => {
    expect(op.logs()).not.toMatch(/unhandled|uncaught|fatal/i);
  });
});
