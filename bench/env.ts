import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedEks, type SeededEks } from '../test/support/aws-seed.js';
import { startCluster, type StartOptions, type TestCluster } from '../test/support/cluster.js';
import { installCrd } from '../test/support/crd.js';
import { startMoto, type Moto } from '../test/support/moto.js';
import { OperatorRunner, type OperatorProcess } from '../test/support/operator.js';
import { waitFor } from '../test/support/procs.js';
import { auditArgs } from './audit.js';
import { startAwsProxy, type AwsProxy } from './aws-proxy.js';
import { OPERATOR_USER, operatorKubeconfig } from './identity.js';

/**
 * One scenario's world: the local control plane (optionally audited), moto seeded with an EKS cluster "demo" behind a
 * counting relay, the CRD, and the operator's own identity. Operators are started per run, as the production bundle
 * with production defaults (info logs, leader election on, NODE_ENV=production) plus whatever a scenario adds.
 */
export interface BenchEnv {
  cluster: TestCluster; moto: Moto; proxy: AwsProxy; seed: SeededEks;
  /** The audit log of the operator's requests, when the scenario asked for one. */
  auditLog?: string;
  operatorToken: string;
  /** `bundle`: another build's main.js (default: this tree's, bundled once). */
  startOperator(extraArgs?: string[], o?: { bundle?: string }): Promise<RunningOperator>;
  stop(): Promise<void>;
}

export interface RunningOperator extends OperatorProcess {
  pid: number;
  /** A counter or gauge from the operator's /metrics, summed over its series. */
  metric(name: string): Promise<number>;
  stop(): Promise<void>;
}

export interface EnvOptions extends StartOptions { audit?: boolean }

export async function startBenchEnv(o: EnvOptions): Promise<BenchEnv> {
  const scratch = mkdtempSync(join(tmpdir(), 'metricsstack-bench-'));
  const audit = o.audit ? auditArgs(scratch, OPERATOR_USER) : undefined;
  const runners: OperatorRunner[] = [];
  let cluster: TestCluster | undefined;
  let moto: Moto | undefined;
  let proxy: AwsProxy | undefined;
  const stop = async () => {
    for (const r of runners.splice(0)) await r.stop();
    await proxy?.close();
    await Promise.all([cluster?.stop(), moto?.stop()]);
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    // The apiserver publishes the seeded cluster's OIDC issuer, as EKS's does: the operator verifies it before AWS writes.
    const motoUp = startMoto();
    const seeded = motoUp.then((x) => seedEks(x.endpoint));
    const apiserverExtraArgs = [...(o.apiserverExtraArgs ?? []), ...(audit?.args ?? [])];
    [cluster, moto] = await Promise.all([
      startCluster({ ...o, apiserverExtraArgs, serviceAccountIssuer: seeded.then((x) => x.issuerUrl) }),
      motoUp,
    ]);
    const m = moto;
    const [seed, p] = await Promise.all([seeded, startAwsProxy(m.endpoint), installCrd(cluster)]);
    proxy = p;
    const { path: kubeconfig, token } = await operatorKubeconfig(cluster);
    const env = { ...m.env, AWS_ENDPOINT_URL: p.endpoint, NODE_ENV: 'production' };
    const startOperator = async (extraArgs: string[] = [], so: { bundle?: string } = {}): Promise<RunningOperator> => {
      const runner = new OperatorRunner();
      runners.push(runner);
      const op = await runner.start(kubeconfig, `op-${runners.length}`, ['--log-level', 'info', ...extraArgs], { env, ...so });
      await waitFor('operator /readyz', async () => (await fetch(`${op.healthUrl}/readyz`)).status === 200,
        { timeoutMs: 120_000, watch: [op.proc], blame: op.proc });
      const metric = async (name: string) => {
        const text = await (await fetch(op.metricsUrl)).text();
        const re = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'gm');
        return [...text.matchAll(re)].reduce((n, x) => n + Number(x[1]), 0);
      };
      return Object.assign(op, { pid: op.proc.pid, metric, stop: () => runner.stop() });
    };
    return { cluster, moto: m, proxy: p, seed, operatorToken: token, startOperator, stop, ...(audit ? { auditLog: audit.logFile } : {}) };
  } catch (err) {
    await stop();
    throw err;
  }
}
