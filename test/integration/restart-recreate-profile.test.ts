/**
 * Restart mid-operation (issue 15), RecreateProfile: the leading operator is frozen (SIGSTOP) the moment moto has
 * created the replacement Fargate profile, before the answer reaches it, and then SIGKILLed; the standby takes the
 * lease and finishes the replacement. The moment is caught by a relay in front of moto that holds moto's answer to the
 * create until the test has stopped the process (aws-exchange-log.ts): no race with the operator's next step, no mock.
 */
import { readFile } from 'node:fs/promises';
import { EKSClient, ListFargateProfilesCommand, DescribeFargateProfileCommand } from '@aws-sdk/client-eks';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsStack } from '../../src/api/v1alpha1/types.js';
import { motoClientConfig, seedEks, type SeededEks } from '../support/aws-seed.js';
import { awsExchangeLog, type AwsExchange, type AwsExchangeLog } from '../support/aws-exchange-log.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { installCrd } from '../support/crd.js';
import { startMoto, type Moto } from '../support/moto.js';
import { OperatorRunner, type OperatorProcess } from '../support/operator.js';
import { condition, stackApi, until } from '../support/stacks.js';

const fast = ['--leader-elect', 'true', '--leader-election-lease-duration', '4s', '--leader-election-renew-deadline', '3s',
  '--leader-election-retry-period', '500ms'];
const PROFILES = '/clusters/demo/fargate-profiles';
const REPLACEMENT = 'fp-kube-system-v2';
const ORIGINAL = 'fp-kube-system';

let cluster: TestCluster;
let moto: Moto;
let relay: AwsExchangeLog;
let seed: SeededEks;
let eks: EKSClient;
const runner = new OperatorRunner();
const stacks = () => stackApi(cluster.kubeConfig);
const names = async () => ((await eks.send(new ListFargateProfilesCommand({ clusterName: seed.clusterName }))).fargateProfileNames ?? []).sort();
const holder = async () => (await cluster.kubeConfig.makeApiClient(CoordinationV1Api)
  .readNamespacedLease({ name: 'metricsstack-operator', namespace: 'default' }).catch(() => undefined))?.spec?.holderIdentity;
const fargate = (s: MetricsStack) => condition(s, 'FargatePlacementSafe');
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

beforeAll(async () => {
  const motoUp = startMoto();
  const seeded = motoUp.then((m) => seedEks(m.endpoint));
  [cluster, moto, seed] = await Promise.all([
    startCluster({ preset: 'eks-mixed', name: 'restart-recreate', serviceAccountIssuer: seeded.then((x) => x.issuerUrl) }), motoUp, seeded]);
  relay = await awsExchangeLog(moto.endpoint);
  eks = new EKSClient(motoClientConfig(moto.endpoint));
  await installCrd(cluster);
});
afterAll(async () => {
  eks?.destroy();
  await runner.stop();
  await relay?.close();
  await Promise.all([cluster?.stop(), moto?.stop()]);
});

describe('an operator killed between creating the replacement Fargate profile and deleting the original', () => {
  it('is finished by the standby: one replacement, the original deleted only after an ACTIVE read, status Completed', async () => {
    const env = { ...moto.env, AWS_ENDPOINT_URL: relay.endpoint };
    const a = await runner.start(cluster.kubeconfigPath, 'op-a', fast, { env });
    await until('op-a to lead', async () => (await holder()) === 'op-a');
    const b = await runner.start(cluster.kubeconfigPath, 'op-b', fast, { env });
    await until('op-b to stand by', async () => (await fetch(`${b.healthUrl}/readyz`).catch(() => undefined))?.status === 200);

    // Freeze op-a once moto has made the replacement, before op-a learns it did.
    let frozen: { at: number; profiles: string[] } | undefined;
    relay.onResponse = async (x) => {
      if (frozen || x.method !== 'POST' || x.path !== PROFILES || x.status !== 200) return;
      a.signal('SIGSTOP');
      frozen = { at: Date.now(), profiles: await names() };
    };
    await stacks().create('default', {
      metricsServer: { kubeletTLS: 'Insecure' },
      fargate: { strategy: 'RecreateProfile', recreateProfile: { dryRun: false, profiles: [
        { name: ORIGINAL, replacementName: REPLACEMENT, selectors: [{ namespace: 'kube-system', labels: { compute: 'fargate' } }] }] } },
    });
    await until('moto created the replacement, op-a frozen', () => Promise.resolve(frozen !== undefined), 90_000);
    expect(frozen!.profiles, 'the window: replacement made, original still there').toEqual(['fp-default', ORIGINAL, REPLACEMENT]);
    await checkFrozen(a);
    a.signal('SIGKILL');
    const killedAt = Date.now();
    await a.proc.exit;

    await until('op-b to lead', async () => (await holder()) === 'op-b', 15_000);
    const ledMs = Date.now() - killedAt;
    const completed = (s: MetricsStack) => s.status?.fargate?.phase === 'Completed' && fargate(s)?.status === 'True';
    await until('Completed and FargatePlacementSafe True', async () => completed(await stacks().get('default')), 90_000)
      .catch(async (err: Error) => { throw new Error(`${err.message}\n${JSON.stringify((await stacks().get('default')).status)}\n${b.logs().slice(-3000)}`); });
    const convergedMs = Date.now() - killedAt;

    const creates = relay.exchanges.filter((x) => x.method === 'POST' && x.path === PROFILES);
    const deletes = relay.exchanges.filter((x) => x.method === 'DELETE' && x.path.startsWith(`${PROFILES}/`));
    expect(creates.map((x) => JSON.parse(x.body).fargateProfile?.fargateProfileName), 'one create over the whole run').toEqual([REPLACEMENT]);
    expect(deletes.map((x) => x.path), 'one delete, of the original').toEqual([`${PROFILES}/${ORIGINAL}`]);
    const deleted = deletes[0]!;
    // The delete follows op-b's own uncached read of the replacement showing ACTIVE.
    const read = lastBefore(deleted, (x) => x.method === 'GET' && x.path === `${PROFILES}/${REPLACEMENT}`);
    expect(read && read.at > killedAt, 'a read of the replacement after the kill, before the delete').toBe(true);
    expect(JSON.parse(read!.body).fargateProfile?.status).toBe('ACTIVE');
    expect(await names()).toEqual(['fp-default', REPLACEMENT]);
    const { fargateProfile } = await eks.send(new DescribeFargateProfileCommand({ clusterName: seed.clusterName, fargateProfileName: REPLACEMENT }));
    expect(fargateProfile).toMatchObject({ status: 'ACTIVE', tags: { 'metricsstack.io/owner': 'default', 'metricsstack.io/replaces': ORIGINAL } });

    const s = await stacks().get('default');
    expect(s.status?.fargate?.plan?.map((p) => `${p.action} ${p.profile} ${p.state}`)).toEqual([
      `Create ${REPLACEMENT} Done`, `WaitActive ${REPLACEMENT} Done`, `Delete ${ORIGINAL} Done`]);
    expect(fargate(s)).toMatchObject({ status: 'True', reason: 'NotSelectedByFargateProfile' });
    expect(a.logs()).toContain('creating the replacement Fargate profile');
    expect(b.logs(), 'op-b made no second replacement').not.toContain('creating the replacement Fargate profile');
    expect(b.logs().match(/deleting the original Fargate profile/g)).toHaveLength(1);
    console.log(`[restart-recreate] op-a SIGSTOPped as moto answered its create of ${REPLACEMENT}, SIGKILLed ${secs(killedAt - frozen!.at)} later; ` +
      `op-b led after ${secs(ledMs)}, deleted ${ORIGINAL} ${secs(deleted.at - killedAt)} after the kill, Completed after ${secs(convergedMs)}`);
  }, 240_000);
});

/** Proof that the process is stopped, not exited or running: its state in /proc is T. */
async function checkFrozen(op: OperatorProcess): Promise<void> {
  const stat = await readFile(`/proc/${op.proc.pid}/stat`, 'utf8');
  expect(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)).toBe('T');
}

const lastBefore = (x: AwsExchange, match: (y: AwsExchange) => boolean): AwsExchange | undefined =>
  relay.exchanges.slice(0, relay.exchanges.indexOf(x)).filter(match).at(-1);
