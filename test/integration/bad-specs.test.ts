import { CustomObjectsApi } from '@kubernetes/client-node';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION, GROUP, KIND, PLURAL, VERSION, type MetricsStack } from '../../src/api/v1alpha1/types.js';
import { badSpec, type BadSpec } from '../support/bad-specs.js';
import { judge, managedVersions, specificReasons, type Verdict } from '../support/bad-spec-verdicts.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { installCrd } from '../support/crd.js';
import { OperatorRunner, type OperatorProcess } from '../support/operator.js';
import { sleep } from '../support/procs.js';
import { condition, stackApi, until } from '../support/stacks.js';

/**
 * Issue 15's generated bad specs: 1,000 specs from the CRD's schema (support/bad-specs.ts), each dry-run created
 * against the real apiserver with strict field validation. A rejection must name a field near the bad one; an accepted
 * spec is really reconciled (a sample of them) and must end in specific condition reasons. Bad updates to two
 * reconciled stacks must leave them and their objects untouched, and the operator must live through it all.
 */
const SEED = Number(process.env.BAD_SPECS_SEED ?? 20261215);
const COUNT = 1_000;
/** How many accepted specs the operator really reconciles (spread over the mutation kinds). */
const RECONCILED = 24;
const ref = { group: GROUP, version: VERSION, plural: PLURAL };

let cluster: TestCluster;
let custom: CustomObjectsApi;
let stacks: ReturnType<typeof stackApi>;
let runner: OperatorRunner;
let op: OperatorProcess;
const specs: BadSpec[] = fc.sample(badSpec, { seed: SEED, numRuns: COUNT });
const verdicts: Verdict[] = [];

const body = (name: string, spec: unknown) => ({ apiVersion: API_VERSION, kind: KIND, metadata: { name }, spec });
const dryRunCreate = (i: number) => custom.createClusterCustomObject({ ...ref, body: body(`bad-${i}`, specs[i]!.spec), dryRun: 'All', fieldValidation: 'Strict' });
const settled = async (name: string) => { const s = await stacks.get(name); return s.status?.observedGeneration === s.metadata.generation ? s : undefined; };

/** Runs `task` over 0..n-1, `width` at a time. */
async function pool(n: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => { while (next < n) await task(next++); }));
}

beforeAll(async () => {
  console.log(`[bad-specs] seed ${SEED} (BAD_SPECS_SEED=${SEED} reproduces this run), ${COUNT} specs`);
  cluster = await startCluster({ preset: 'none' });
  custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
  stacks = stackApi(cluster.kubeConfig);
  await installCrd(cluster);
  runner = new OperatorRunner();
  op = await runner.start(cluster.kubeconfigPath, 'badspecs', ['--leader-elect', 'false']);
}, 180_000);
afterAll(async () => {
  await runner?.stop();
  await cluster?.stop();
});

describe(`${COUNT} generated bad specs against the real apiserver, the operator running`, () => {
  it('each is rejected naming a field near the bad one, or accepted by the schema', async () => {
    const t0 = Date.now();
    await pool(COUNT, 8, async (i) => {
      verdicts[i] = await dryRunCreate(i).then(() => ({ outcome: 'accepted' as const }), (err: unknown) => judge(specs[i]!, err));
    });
    const unnamed = verdicts.flatMap((v, i) => v.outcome === 'unnamed' ? [{ ...specs[i]!, spec: undefined, message: v.message.slice(0, 300) }] : []);
    console.log(`[bad-specs] ${COUNT} dry-run creates in ${Date.now() - t0} ms`);
    expect(unnamed, 'rejections that do not name the bad field (or a neighbour)').toEqual([]);
  }, 120_000);

  it('a sample of the accepted ones is reconciled to specific condition reasons', async () => {
    const accepted = specs.flatMap((s, i) => verdicts[i]?.outcome === 'accepted' ? [{ ...s, i }] : []);
    expect(accepted.length).toBeGreaterThan(RECONCILED);
    const byKind = new Map<string, typeof accepted>();
    for (const a of accepted) byKind.set(a.kind, [...(byKind.get(a.kind) ?? []), a]);
    const sample = [...byKind.values()].flatMap((group) => group.slice(0, Math.ceil(RECONCILED / byKind.size))).slice(0, RECONCILED);
    const vague: unknown[] = [];
    for (const a of sample) {
      await stacks.create(`probe-${a.i}`, a.spec);
      const s = await until(`probe-${a.i} to be reconciled`, async () => !!(await settled(`probe-${a.i}`)), 60_000).then(() => stacks.get(`probe-${a.i}`));
      const reasons = specificReasons(s);
      if (reasons.vague.length > 0) vague.push({ path: a.path.join('.'), kind: a.kind, vague: reasons.vague });
      verdicts[a.i] = { outcome: 'reconciled', reason: reasons.summary };
      const notTrue = (s.status?.conditions ?? []).filter((c) => c.status !== 'True').map((c) => `${c.type}=${c.status}/${c.reason}: ${c.message.slice(0, 160)}`);
      console.log(`[bad-specs] #${a.i} ${a.kind} at spec.${a.path.join('.')} → ${reasons.summary}\n  ${notTrue.join('\n  ')}`);
      await stacks.delete(`probe-${a.i}`);
      await until(`probe-${a.i} to be gone`, async () => !(await stacks.exists(`probe-${a.i}`)), 60_000);
    }
    expect(vague, 'accepted specs reported with a generic reason').toEqual([]);
  }, 240_000);

  it('bad updates to reconciled stacks are rejected and leave them and every managed object untouched', async () => {
    await stacks.create('steady', { resourceMetrics: { provider: 'none' } });
    await stacks.create('default', { metricsServer: { kubeletTLS: 'Insecure' } });
    await until('steady to be Ready', async () => condition(await stacks.get('steady'), 'Ready')?.status === 'True', 60_000);
    await until('default to be reconciled', async () => !!(await settled('default')), 60_000);
    await until('the managed objects to hold still for 3 s', async () => {
      const v = JSON.stringify(await managedVersions(cluster));
      await sleep(3_000);
      return v === JSON.stringify(await managedVersions(cluster));
    }, 60_000);
    const generations = async () => Promise.all(['steady', 'default'].map(async (n) => (await stacks.get(n)).metadata.generation));
    const [objectsBefore, generationsBefore] = [await managedVersions(cluster), await generations()];
    expect(Object.keys(objectsBefore).length).toBeGreaterThan(5);
    const rejected = specs.flatMap((s, i) => verdicts[i]?.outcome === 'schema' || verdicts[i]?.outcome === 'cel' ? [s] : []).slice(0, 100);
    let refused = 0;
    for (const [k, bad] of rejected.entries()) {
      const name = k % 2 === 0 ? 'steady' : 'default';
      const current = (await stacks.get(name)) as MetricsStack;
      await custom.replaceClusterCustomObject({ ...ref, name, body: { ...current, spec: bad.spec }, fieldValidation: 'Strict' }).then(() => undefined, () => refused++);
    }
    await sleep(2_000);
    console.log(`[bad-specs] ${rejected.length} bad updates to Ready/reconciled stacks, ${refused} refused`);
    expect(refused).toBe(rejected.length);
    expect(await generations()).toEqual(generationsBefore);
    expect(await managedVersions(cluster)).toEqual(objectsBefore);
    expect(condition(await stacks.get('steady'), 'Ready')?.status).toBe('True');
  }, 180_000);

  it('the operator never crashed; the tally', () => {
    const tally = new Map<string, number>();
    for (const v of verdicts) {
      const key = v.outcome === 'reconciled' ? `accepted and reported in status: ${v.reason}` : v.outcome;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
    const crashed = op.proc.exited || /"level":"fatal"|uncaught|unhandled/i.test(op.logs()) ? 1 : 0;
    console.log(`[bad-specs] tally (seed ${SEED}): rejected by schema ${tally.get('schema') ?? 0} / rejected by CEL ${tally.get('cel') ?? 0} / ` +
      `accepted, not reconciled here ${tally.get('accepted') ?? 0} / ` +
      [...tally].filter(([k]) => k.startsWith('accepted and')).map(([k, n]) => `${k} ${n}`).sort().join(' / ') + ` / crashed=${crashed}`);
    expect(crashed).toBe(0);
  });
});
