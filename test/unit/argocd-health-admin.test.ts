/**
 * Every case of health_test.yaml through the real Argo CD: `argocd admin settings resource-overrides health` reads the
 * argocd-cm that docs/argocd.md shows (the key and health.lua) and runs the check in Argo CD's own Lua VM
 * (gopher-lua), the way the application controller does. argocd-health.test.ts runs the same cases under PUC lua5.1.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveBinDir } from '../support/cluster-args.js';
import { argocdCm, HEALTH_CHECK_DIR, healthCases } from '../support/argocd-health.js';

let argocd = '';
const work = mkdtempSync(join(tmpdir(), 'argocd-admin-health-'));
const cmPath = join(work, 'argocd-cm.yaml');

beforeAll(() => {
  argocd = join(resolveBinDir(), 'argocd');
  if (!existsSync(argocd)) throw new Error(`no ${argocd}: hack/testenv/build.sh builds Argo CD (build_argocd)`);
  writeFileSync(cmPath, stringify(argocdCm('argocd')));
});

/** `STATUS: <s>\nMESSAGE: <m>\n`, the command's output; a message may span lines. */
function adminHealth(inputPath: string): { status: string; message: string } {
  const r = spawnSync(argocd, ['admin', 'settings', 'resource-overrides', 'health', join(HEALTH_CHECK_DIR, inputPath), '--argocd-cm-path', cmPath],
    { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: work } });
  if (r.status !== 0) throw new Error(`argocd admin failed on ${inputPath}: ${r.stderr}`);
  const m = /^STATUS: (.*)\nMESSAGE: ([\s\S]*)\n$/.exec(r.stdout);
  if (!m) throw new Error(`unexpected output for ${inputPath}: ${r.stdout}`);
  return { status: m[1]!, message: m[2]! };
}

describe('Argo CD (argocd admin settings resource-overrides health) on health_test.yaml', () => {
  it.each(healthCases().map((c) => [c.inputPath, c.healthStatus] as const))('%s', (inputPath, expected) => {
    expect(adminHealth(inputPath)).toEqual(expected);
  });
});
