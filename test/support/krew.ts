import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveBinDir } from './cluster-args.js';

export interface RunResult { code: number; stdout: string; stderr: string }

/** The repository root: the release script bundles and packs it. */
const REPO = fileURLToPath(new URL('../..', import.meta.url));

function run(file: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((done) => {
    const child = execFile(file, args, { ...opts, maxBuffer: 16 << 20, timeout: 120_000 }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }));
    child.stdin?.end();
  });
}

/** `make krew`'s script, writing the archive and the filled manifest into `out`. */
export function releaseKrewManifest(out: string): Promise<RunResult> {
  return run(process.execPath, ['--experimental-transform-types', '--no-warnings', 'scripts/run-ts.mjs', 'scripts/krew-manifest.ts', '--out', out],
    { cwd: REPO });
}

/**
 * A user's shell with krew: KREW_ROOT in `root` (nothing of ~/.krew is read), and a PATH of the krew bin folder, the
 * pinned Node 24 (the plugin's `#!/usr/bin/env node`), the testenv's kubectl and the system's tools, in that order.
 */
export function krewShell(root: string) {
  const binDir = resolveBinDir();
  const krewBin = join(binDir, 'krew');
  if (!existsSync(krewBin)) throw new Error(`no krew in ${binDir}: run hack/testenv/build.sh (it links hack/testenv/krew.sh's build)`);
  mkdirSync(root, { recursive: true });
  const env = { HOME: root, KREW_ROOT: root, KREW_NO_UPGRADE_CHECK: '1',
    PATH: [join(root, 'bin'), dirname(process.execPath), binDir, '/usr/bin', '/bin'].join(':') };
  return {
    krew: (...args: string[]) => run(krewBin, args, { env }),
    kubectl: (...args: string[]) => run(join(binDir, 'kubectl'), args, { env }),
  };
}
