import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinationV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCluster } from '../support/cluster.js';
import { execPluginKubeconfig, serviceAccountToken, stackListAudit, tokenKubeconfig } from '../support/exec-credential.js';
import { startFaultWorld, type FaultWorld } from '../support/watch-faults.js';
import { until } from '../support/stacks.js';

/**
 * Issue 15's faults that keep a cache from syncing, on the real control plane: credentials that fail between an
 * informer's list and its watch (15.1), and a leader whose lists are all refused (the cache-sync timeout).
 */
let world: FaultWorld;
let cluster: TestCluster;
let runner: FaultWorld['runner'];
let stacks: FaultWorld['stacks'];
const scratch = mkdtempSync(join(tmpdir(), 'metricsstack-faults-sync-'));
const audit = stackListAudit(scratch);

beforeAll(async () => {
  world = await startFaultWorld(scratch, { preset: 'none', apiserverExtraArgs: audit.args });
  ({ cluster, runner, stacks } = world);
});
afterAll(() => world?.stop());

describe('an informer whose first watch fails before it is sent (issue 15.1)', () => {
  it('is synced by its list, so once the credentials work again the operator reconciles instead of syncing forever', async () => {
    await stacks.create('sync', { resourceMetrics: { provider: 'none' } });
    const exec = await execPluginKubeconfig(cluster, scratch, audit.logFile);
    const op = await runner.start(exec.path, 'exec', ['--leader-elect', 'false']);
    await until('the MetricsStack watch to fail after its list', async () =>
      op.logs().split('\n').some((l) => l.includes('list/watch failed') && l.includes('/metricsstacks') && l.includes('permission denied')));
    exec.heal();
    const t0 = Date.now();
    await until('the stack to be reconciled', async () => (await stacks.get('sync')).status?.observedGeneration === 1, 60_000);
    console.log(`[faults] exec-plugin failure between list and watch: reconciled ${Date.now() - t0} ms after the credentials healed`);
    expect((await fetch(`${op.healthUrl}/readyz`)).status).toBe(200);
    await stacks.delete('sync');
    await until('the stack to be gone', async () => !(await stacks.exists('sync')));
    op.signal('SIGTERM');
    await op.proc.exit;
  });
});

describe('a leader whose caches cannot sync', () => {
  it('gives the lease up and exits 1 once --cache-sync-timeout has passed', async () => {
    // It may hold the lease and nothing else: every list is refused (403), so no cache ever syncs.
    await cluster.kubeConfig.makeApiClient(RbacAuthorizationV1Api).createClusterRole({ body: {
      metadata: { name: 'leases-only' }, rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['*'] }],
    } });
    const kubeconfig = tokenKubeconfig(cluster, await serviceAccountToken(cluster, 'leases-only', 'leases-only'), join(scratch, 'leases.kubeconfig'));
    const lease = () => cluster.kubeConfig.makeApiClient(CoordinationV1Api).readNamespacedLease({ name: 'metricsstack-operator', namespace: 'default' });
    const op = await runner.start(kubeconfig, 'unsynced', ['--cache-sync-timeout', '10s']);
    await until('it to lead', async () => (await lease().catch(() => undefined))?.spec?.holderIdentity === 'unsynced');
    const t0 = Date.now();
    await op.proc.exit;
    console.log(`[faults] caches never synced: exited ${op.proc.child.exitCode} ${Date.now() - t0} ms after taking the lease (timeout 10 s)`);
    expect(op.proc.child.exitCode).toBe(1);
    expect((await lease()).spec?.holderIdentity ?? '').toBe('');
    expect(op.logs()).toContain('caches did not sync in time; giving up leadership and exiting');
  });
});
