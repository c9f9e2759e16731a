import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestCluster } from './cluster.js';
import { sleep, waitFor, type Proc } from './procs.js';

/** The running process of a control-plane component: the newest one of that name, as a restart adds another. */
export function componentProc(cluster: TestCluster, name: string): Proc {
  const proc = cluster.group.procs.findLast((p) => p.name === name);
  if (!proc) throw new Error(`no ${name} in this cluster`);
  return proc;
}

/** kube-apiserver answers /readyz (through kubectl, with the admin credentials). */
export const apiserverReady = async (cluster: TestCluster): Promise<boolean> =>
  (await cluster.kubectl(['get', '--raw', '/readyz'], { timeoutMs: 5_000 })).code === 0;

/**
 * A crash: SIGKILL to a component (no clean shutdown: open connections are reset, nothing is handed over), `downMs`
 * with nothing listening, then the same binary started again with the same flags, logging to the same file.
 * Resolves with the epoch time at which `ready` first held again.
 */
export async function killAndRestart(cluster: TestCluster, name: string, downMs: number, ready: () => Promise<boolean>): Promise<number> {
  const proc = componentProc(cluster, name);
  signal(proc, 'SIGKILL');
  await proc.exit;
  await sleep(downMs);
  const [bin, ...args] = proc.child.spawnargs;
  const restarted = cluster.group.start(name, bin ?? proc.child.spawnfile, args);
  await waitFor(`${name} back after its restart`, ready, { timeoutMs: 90_000, watch: [restarted], blame: restarted, intervalMs: 100 });
  return Date.now();
}

/**
 * A hang: SIGSTOP for `pausedMs`, then SIGCONT. Connections stay open but nothing answers, as with a stalled node
 * or a long stop-the-world pause. Resolves with the epoch time at which `ready` first held again.
 */
export async function pauseAndResume(cluster: TestCluster, name: string, pausedMs: number, ready: () => Promise<boolean>): Promise<number> {
  const proc = componentProc(cluster, name);
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
