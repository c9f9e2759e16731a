import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { freePorts } from './ports.js';
import { waitFor, type ProcGroup } from './procs.js';

const run = promisify(execFile);

/** A git repository in the test's folder, served read-only over git:// on loopback, as Argo CD would clone it. */
export interface GitRepo {
  /** git://127.0.0.1:<port>/<name>, the Application's repoURL. */
  readonly url: string;
  readonly dir: string;
  /** Copies a folder of this checkout (e.g. charts/metricsstack-operator) to the same path in the repository. */
  copy(from: string, to: string): void;
  write(path: string, content: string): void;
  /** Commits everything on main; resolves to the new commit's SHA. */
  commit(message: string): Promise<string>;
}

/**
 * Creates `<root>/<name>` and serves `<root>` with `git daemon` (in `group`, so every clean-up path stops it). Git
 * runs with a config of its own (HOME in the folder, no system config), so a developer's settings never apply.
 */
export async function serveGitRepo(group: ProcGroup, root: string, name: string): Promise<GitRepo> {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const env = { ...process.env, HOME: root, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.invalid',
    GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.invalid' };
  const git = async (...args: string[]) => (await run('git', args, { cwd: dir, env })).stdout.trim();
  await git('init', '--quiet', '--initial-branch=main');
  const [port] = (await freePorts(1)) as [number];
  const daemon = group.start('git-daemon', 'git', ['daemon', '--reuseaddr', '--listen=127.0.0.1', `--port=${port}`,
    `--base-path=${root}`, '--export-all', '--informative-errors', root], env, false);
  const url = `git://127.0.0.1:${port}/${name}`;
  const repo: GitRepo = {
    url, dir,
    copy: (from, to) => cpSync(from, join(dir, to), { recursive: true }),
    write(path, content) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    },
    async commit(message) {
      await git('add', '--all');
      await git('commit', '--quiet', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
  };
  await repo.commit('empty');
  await waitFor(`git daemon on ${url}`, async () => (await run('git', ['ls-remote', url], { env })).stdout.includes('refs/heads/main'),
    { timeoutMs: 10_000, watch: [daemon], blame: daemon });
  return repo;
}
