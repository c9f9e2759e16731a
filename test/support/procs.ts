import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** One started binary. Its pid is also its process-group id: we start it detached, in a group of its own. */
export interface Proc {
  name: string;
  pid: number;
  logFile: string;
  child: ChildProcess;
  exit: Promise<void>;
  exited: boolean;
}

const live = new Set<ProcGroup>();
let hooksInstalled = false;

/**
 * The processes of one test cluster and the folder they work in. Three lines of defence keep nothing running:
 * stop() (normal), process 'exit'/SIGINT/SIGTERM hooks (crash, Ctrl-C), and a detached shell watchdog that kills
 * the groups listed in <dir>/pids once the test process is gone (SIGKILL of the test runner, where no hook runs).
 * Things outside the folder (network bridges, namespaces) register shell commands in <dir>/cleanup.sh with
 * addCleanup(); all three paths run that script after the processes are killed and before the folder goes.
 */
export class ProcGroup {
  readonly procs: Proc[] = [];
  private watchdog: ChildProcess;
  private stopping?: Promise<void>;
  private readonly jsCleanups: (() => void)[] = [];
  private readonly commands = new Map<Proc, { bin: string; args: string[]; env: NodeJS.ProcessEnv; inheritEnv: boolean }>();

  constructor(readonly dir: string, private readonly keepDir = process.env.METRICSSTACK_KEEP_CLUSTER === '1') {
    installHooks();
    live.add(this);
    const script = 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; ' +
      'for p in $(cat "$2/pids" 2>/dev/null); do kill -9 "-$p" 2>/dev/null; done; ' +
      '[ -f "$2/cleanup.sh" ] && sh "$2/cleanup.sh" >/dev/null 2>&1; [ "$3" = 1 ] || rm -rf "$2"';
    this.watchdog = spawn('sh', ['-c', script, 'watchdog', String(process.pid), dir, keepDir ? '1' : '0'],
      { detached: true, stdio: 'ignore' });
    this.watchdog.unref();
  }

  /**
   * Registers an idempotent shell command that undoes something outside the folder, and optionally an in-process
   * undo (e.g. closing a socket server). Both run once the processes are gone, on stop() and in the exit hooks;
   * the shell command also runs from the watchdog when the test process was SIGKILLed.
   */
  addCleanup(shell: string, js?: () => void): void {
    appendFileSync(join(this.dir, 'cleanup.sh'), `${shell}\n`);
    if (js) this.jsCleanups.push(js);
  }

  /** Starts `bin` with stdout+stderr appended to <dir>/logs/<name>.log; `inheritEnv: false` passes only `env`. */
  start(name: string, bin: string, args: string[], env: NodeJS.ProcessEnv = {}, inheritEnv = true): Proc {
    const logFile = join(this.dir, 'logs', `${name}.log`);
    const fd = openSync(logFile, 'a');
    const child = spawn(bin, args, { detached: true, stdio: ['ignore', fd, fd],
      env: inheritEnv ? { ...process.env, ...env } : env });
    closeSync(fd);
    if (child.pid === undefined) throw new Error(`${name}: spawn ${bin} failed`);
    appendFileSync(join(this.dir, 'pids'), `${child.pid}\n`);
    const proc: Proc = { name, pid: child.pid, logFile, child, exited: false, exit: Promise.resolve() };
    proc.exit = new Promise((resolve) => {
      const done = () => { proc.exited = true; resolve(); };
      child.once('exit', done);
      child.once('error', done);
    });
    // A forgotten stop() must not keep the test worker alive; its 'exit' hook then kills the group.
    child.unref();
    this.procs.push(proc);
    this.commands.set(proc, { bin, args, env, inheritEnv });
    return proc;
  }

  /**
   * Starts `p`'s command again (same binary, flags and environment; the log is appended to) in `p`'s place, so
   * stop() keeps its order. For fault tests: `p` must have exited (see {@link ProcGroup.kill}).
   */
  restart(p: Proc): Proc {
    const cmd = this.commands.get(p);
    if (!cmd || !p.exited) throw new Error(`${p.name}: restart needs a stopped process of this group`);
    const at = this.procs.indexOf(p);
    const next = this.start(p.name, cmd.bin, cmd.args, cmd.env, cmd.inheritEnv);
    this.procs.splice(this.procs.indexOf(next), 1);
    this.procs.splice(at, 1, next);
    return next;
  }

  /** Sends `sig` to `p`'s process group (SIGKILL: no clean-up, as a crash) and waits until it has exited. */
  async kill(p: Proc, sig: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    signalGroup(p.pid, sig);
    if (!(await exitsWithin(p, 10_000))) throw new Error(`${p.name} did not exit within 10 s of ${sig}`);
  }

  /**
   * SIGTERM, then SIGKILL after graceMs, one component at a time, newest first, then removes the folder. Idempotent.
   * Order matters: kube-apiserver shuts down cleanly only while etcd still answers (it removes its endpoint lease),
   * and etcd waits for the apiserver's watch streams to close; stopped together, both hang until SIGKILL.
   */
  stop(graceMs = 5_000): Promise<void> {
    this.stopping ??= (async () => {
      for (const p of [...this.procs].reverse()) await this.stopProc(p, graceMs);
      this.finish();
    })();
    return this.stopping;
  }

  /** SIGTERM to one process group, SIGKILL after graceMs. */
  async stopProc(p: Proc, graceMs = 5_000): Promise<void> {
    if (p.exited) return;
    signalGroup(p.pid, 'SIGTERM');
    if (await exitsWithin(p, graceMs)) return;
    console.log(`[cluster] ${p.name} did not exit ${graceMs} ms after SIGTERM; sending SIGKILL`);
    signalGroup(p.pid, 'SIGKILL');
    await exitsWithin(p, 5_000);
  }

  /** Synchronous last resort for exit hooks: SIGKILL everything, remove the folder. */
  killNow(): void {
    for (const p of this.procs) if (!p.exited) signalGroup(p.pid, 'SIGKILL');
    this.finish();
  }

  private finish(): void {
    if (this.watchdog.pid !== undefined) signalGroup(this.watchdog.pid, 'SIGKILL');
    live.delete(this);
    for (const undo of this.jsCleanups.splice(0)) { try { undo(); } catch { /* best effort */ } }
    const cleanup = join(this.dir, 'cleanup.sh');
    if (existsSync(cleanup)) {
      try { execFileSync('sh', [cleanup], { stdio: 'ignore', timeout: 30_000 }); } catch { /* best effort */ }
    }
    if (this.keepDir) console.log(`[cluster] kept ${this.dir} (METRICSSTACK_KEEP_CLUSTER=1)`);
    // Retries: after killNow()'s SIGKILL, a dying etcd may still be writing into the folder (ENOTEMPTY).
    else rmSync(this.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try { process.kill(-pid, sig); } catch { /* already gone */ }
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once('exit', () => { for (const g of [...live]) g.killNow(); });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    const handler = () => {
      for (const g of [...live]) g.killNow();
      process.off(sig, handler);
      // Keep the signal's default meaning (terminate) unless someone else (the test runner) handles it.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, handler);
  }
}

/** Resolves true when p exits within ms, false otherwise; leaves no timer behind either way. */
function exitsWithin(p: Proc, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  return Promise.race([p.exit.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The last `lines` lines of a component's log, for error messages. */
export function logTail(proc: Proc, lines = 25): string {
  let text = '';
  try { text = readFileSync(proc.logFile, 'utf8'); } catch { /* no log yet */ }
  return text.trimEnd().split('\n').slice(-lines).map((l) => `  | ${l}`).join('\n');
}

/**
 * Polls `check` until it returns true. Fails fast if a watched process exits, and on timeout; both errors carry
 * the tail of the relevant component's log, because "timed out" alone never says why.
 */
export async function waitFor(what: string, check: () => Promise<boolean>, opts: {
  timeoutMs: number; watch: Proc[]; blame?: Proc; intervalMs?: number;
}): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const dead = opts.watch.find((p) => p.exited);
    if (dead) throw new Error(`${dead.name} exited while waiting for ${what}:\n${logTail(dead)}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      const blame = opts.blame ? `\n${opts.blame.name} log:\n${logTail(opts.blame)}` : '';
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${what}${blame}`);
    }
    await sleep(opts.intervalMs ?? 200);
  }
}
