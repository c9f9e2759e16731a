// Starts a private moto_server (AWS API emulator) for one test file: loopback only, on a port the OS picks, killed by
// pid on stop() or when the test process exits, so no stray servers outlive a run.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertOffline } from './offline.js';

export interface Moto {
  /** http://127.0.0.1:<port> — pass as `endpoint` to SDK clients. */
  endpoint: string;
  /** Env for the operator process and for SDK clients built without an explicit endpoint. */
  env: Record<string, string>;
  pid: number;
  /** Kills the server and waits for it to exit; safe to call more than once. */
  stop(): Promise<void>;
}

const repoRoot = resolve(import.meta.dirname, '../..');

// The testenv build puts moto in <cachedir>/moto; without METRICSSTACK_TESTENV_DIR we run the (cached, idempotent)
// build, whose last stdout line is the cache dir. Its progress log goes to stderr, which we pass through.
async function motoServerPath(): Promise<string> {
  let dir = process.env.METRICSSTACK_TESTENV_DIR;
  if (!dir) {
    const build = spawn('bash', [join(repoRoot, 'hack/testenv/build.sh')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    build.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const [code] = (await once(build, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`hack/testenv/build.sh failed (exit ${code})`);
    dir = out.trim().split('\n').at(-1) ?? '';
  }
  const bin = join(dir, 'moto/bin/moto_server');
  if (!existsSync(bin)) throw new Error(`moto_server not found at ${bin} (check METRICSSTACK_TESTENV_DIR)`);
  return bin;
}

/** `recordTo`: a file where moto records every request it serves, in order (see moto-recording.ts). */
export async function startMoto(timeoutMs = 30_000, options: { recordTo?: string } = {}): Promise<Moto> {
  await assertOffline('moto');
  const bin = await motoServerPath();
  const env = options.recordTo ? { ...process.env, MOTO_ENABLE_RECORDING: 'true', MOTO_RECORDER_FILEPATH: options.recordTo } : process.env;
  // Port 0: the OS assigns a free port at bind time (no probe-then-bind race); werkzeug logs the real one.
  const child = spawn(bin, ['-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', 'ignore', 'pipe'], env });
  const pid = child.pid;
  if (pid === undefined) throw new Error('moto_server failed to spawn');
  // 'error' (spawn failure) may come without 'exit'; either way there is no process left to wait for.
  const exited = new Promise<void>((done) => child.once('exit', () => done()).once('error', () => done()));
  let alive = true;
  void exited.then(() => (alive = false));
  const kill = (signal: NodeJS.Signals): void => {
    try {
      if (alive) process.kill(pid, signal);
    } catch {
      // ESRCH: it exited between the check and the signal.
    }
  };
  const killOnExit = (): void => kill('SIGKILL');
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      process.off('exit', killOnExit);
      if (!alive) return;
      kill('SIGTERM');
      // moto handles SIGTERM with a clean sys.exit (~1 s); SIGKILL guards against a wedged request handler.
      const timeout = sleep(5_000, false, { ref: false });
      const killed = await Promise.race([exited.then(() => true), timeout]);
      if (!killed) kill('SIGKILL');
      await exited;
    })());

  try {
    const port = await new Promise<string>((done, fail) => {
      let log = '';
      const timer = setTimeout(() => fail(new Error(`moto_server did not report a port in ${timeoutMs}ms:\n${log}`)), timeoutMs);
      const onData = (chunk: string): void => {
        log += chunk;
        const m = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
        if (!m?.[1]) return;
        clearTimeout(timer);
        // Keep draining without buffering so a full pipe never blocks the server's per-request log lines.
        child.stderr.off('data', onData).resume();
        done(m[1]);
      };
      child.stderr.setEncoding('utf8').on('data', onData);
      void exited.then(() => {
        clearTimeout(timer);
        fail(new Error(`moto_server exited during startup:\n${log}`));
      });
    });
    const endpoint = `http://127.0.0.1:${port}`;
    await waitUntilAnswering(endpoint, timeoutMs);
    return {
      endpoint,
      pid,
      stop,
      env: {
        AWS_ENDPOINT_URL: endpoint,
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_REGION: 'us-east-1',
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function waitUntilAnswering(endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok) return;
    } catch {
      // Not accepting connections yet.
    }
    if (Date.now() > deadline) throw new Error(`moto_server at ${endpoint} did not answer within ${timeoutMs}ms`);
    await sleep(100);
  }
}

/** Drops every resource in every service and account, so each test can seed from a clean slate. */
export async function resetMoto(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`moto reset failed: ${res.status} ${await res.text()}`);
}
