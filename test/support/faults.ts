import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestCluster } from './cluster.js';
import { sleep, waitFor, type Proc } from './procs.js';

/** The running process of a control-plane component: the newest one of that name, as a restart adds another. */
export function component(cluster: TestCluster, name: string): Proc {
  const proc = cluster.group.procs.findLast((p) => p.name === name && !p.exited);
  if (!proc) throw new Error(`no running ${name} in cluster ${cluster.name}`);
  return proc;
}

/** kube-apiserver's /readyz through the admin kubeconfig: 200 only once etcd answers and every post-start hook ran. */
export const apiserverReady = async (cluster: TestCluster): Promise<boolean> =>
  (await cluster.kubectl(['get', '--raw', '/readyz', '--request-timeout=2s'], { timeoutMs: 5_000 })).code === 0;

/**
 * A crash: SIGKILL to component `name` (no clean shutdown: open connections are reset, nothing is handed over),
 * `downMs` with nothing listening, then the same binary started again with the same flags, logging to the same file,
 * until the apiserver is ready again. Resolves with the instant it was back, for recovery times measured from there.
 */
export async function killAndRestart(cluster: TestCluster, name: string, downMs: number): Promise<{ backAt: number; outageMs: number }> {
  const p = component(cluster, name);
  const t0 = Date.now();
  await cluster.group.kill(p);
  await sleep(downMs);
  const next = cluster.group.restart(p);
  await waitFor(`kube-apiserver ready after restarting ${name}`, () => apiserverReady(cluster),
    { timeoutMs: 90_000, watch: [next], blame: next, intervalMs: 100 });
  const backAt = Date.now();
  return { backAt, outageMs: backAt - t0 };
}

/**
 * A hang: SIGSTOP for `pausedMs`, then SIGCONT. Connections stay open but nothing answers, as with a stalled node
 * or a long stop-the-world pause. Resolves with the epoch time at which `ready` first held again.
 */
export async function pauseAndResume(cluster: TestCluster, name: string, pausedMs: number, ready: () => Promise<boolean>): Promise<number> {
  const proc = component(cluster, name);
  signal(proc, 'SIGSTOP');
  try {
    await sleep(pausedMs);
  } finally {
    signal(proc, 'SIGCONT');
  }
  await waitFor(`${name} answering after SIGCONT`, ready, { timeoutMs: 60_000, watch: [proc], blame: proc, intervalMs: 100 });
  return Date.now();
}

function signal(proc: Proc, sig: NodeJS.Signals): void {
  process.kill(-proc.pid, sig);
}

/**
 * The environment that runs a process under libfaketime (Debian's faketime, installed by hack/testenv/build.sh) with
 * its wall clock `offset` away from the machine's, e.g. '+1h'. The monotonic clock stays true, as NTP skew leaves it.
 */
export function skewedClockEnv(offset: string): Record<string, string> {
  const lib = readdirSync('/usr/lib').map((d) => join('/usr/lib', d, 'faketime', 'libfaketimeMT.so.1')).find((f) => existsSync(f));
  if (!lib) throw new Error('libfaketime not found: install Debian\'s faketime (hack/testenv/build.sh does, as root)');
  return { LD_PRELOAD: lib, FAKETIME: offset, FAKETIME_DONT_FAKE_MONOTONIC: '1' };
}
