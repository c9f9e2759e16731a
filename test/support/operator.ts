import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePorts } from './ports.js';
import { ProcGroup, type Proc } from './procs.js';

const root = resolve(import.meta.dirname, '../..');
let bundled: Promise<string> | undefined;

/** Runs `make build`'s own bundler once per test file, so tests never run a stale bundle. */
export function operatorBundle(): Promise<string> {
  bundled ??= new Promise((done, fail) => {
    execFile(process.execPath, [join(root, 'scripts/bundle.mjs')], { cwd: root }, (err, _out, stderr) =>
      err ? fail(new Error(`bundling failed: ${stderr}`)) : done(join(root, 'dist', 'main.js')));
  });
  return bundled;
}

export interface OperatorProcess {
  readonly identity: string;
  readonly proc: Proc;
  readonly metricsUrl: string;
  readonly healthUrl: string;
  /** Sum of metricsstack_reconcile_total over all results, read from its /metrics. */
  reconciles(): Promise<number>;
  logs(): string;
  signal(sig: NodeJS.Signals): void;
}

/**
 * Unless a test passes moto's env, AWS is a closed loopback port: on the EKS-shaped test nodes the operator may try
 * AWS (Fargate profiles, cluster discovery), and no test may reach real AWS, IMDS or a credentials file.
 */
export const OFFLINE_AWS_ENV: Readonly<Record<string, string>> = {
  AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
  AWS_ACCESS_KEY_ID: 'offline',
  AWS_SECRET_ACCESS_KEY: 'offline',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_MAX_ATTEMPTS: '1',
};

export interface StartOptions {
  /** Extra environment, e.g. moto's (AWS_ENDPOINT_URL, credentials, AWS_REGION), laid over {@link OFFLINE_AWS_ENV}. */
  readonly env?: Readonly<Record<string, string>>;
  /** Another build's main.js instead of this tree's bundle, to compare two builds on the same cluster (bench/nodes-ab.ts). */
  readonly bundle?: string;
}

/** Runs the production bundle as its own process against a test cluster (loopback ports only). */
export class OperatorRunner {
  private readonly group: ProcGroup;

  constructor() {
    const dir = mkdtempSync(join(tmpdir(), 'metricsstack-operator-'));
    mkdirSync(join(dir, 'logs'));
    this.group = new ProcGroup(dir);
  }

  async start(kubeconfigPath: string, identity: string, extraArgs: string[] = [], options: StartOptions = {}): Promise<OperatorProcess> {
    const bundle = options.bundle ?? await operatorBundle();
    const [metricsPort, healthPort] = (await freePorts(2)) as [number, number];
    const args = [
      ...nodeFlags(), bundle, '--kubeconfig', kubeconfigPath,
      '--metrics-bind-address', `127.0.0.1:${metricsPort}`, '--health-probe-bind-address', `127.0.0.1:${healthPort}`,
      '--leader-election-namespace', 'default', '--log-level', 'debug', ...extraArgs,
    ];
    const proc = this.group.start(identity, process.execPath, args, { ...IMAGE_ENV, ...OFFLINE_AWS_ENV, ...options.env, POD_NAME: identity });
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    return {
      identity, proc, metricsUrl, healthUrl: `http://127.0.0.1:${healthPort}`,
      async reconciles() {
        const text = await (await fetch(metricsUrl)).text();
        return [...text.matchAll(/^metricsstack_reconcile_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
      },
      logs: () => readFileSync(proc.logFile, 'utf8'),
      signal: (sig) => { try { process.kill(-proc.pid, sig); } catch { /* gone */ } },
    };
  }

  stop(): Promise<void> {
    return this.group.stop();
  }
}

/** The node flags and environment of the image (Dockerfile ENTRYPOINT and ENV); test/unit/image-runtime.test.ts checks them. */
export const IMAGE_NODE_FLAGS = ['--max-semi-space-size=1', '--optimize-for-size', '--max-opt=1'] as const;
export const IMAGE_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '65536', MALLOC_TRIM_THRESHOLD_: '131072' } as const;

/** The image's node flags; METRICSSTACK_OPERATOR_NODE_FLAGS replaces them, to compare runtime settings on the same bundle. */
function nodeFlags(): string[] {
  const flags = process.env.METRICSSTACK_OPERATOR_NODE_FLAGS;
  return flags === undefined ? [...IMAGE_NODE_FLAGS] : flags.split(/\s+/).filter(Boolean);
}
