/**
 * The Argo CD health check (docs/argocd/resource_customizations/metricsstack.io/MetricsStack/health.lua) under
 * Debian's lua5.1, the Lua dialect Argo CD runs, against its testdata; and the copy in docs/argocd.md, which users
 * paste into argocd-cm, must be the same. argocd-health-admin.test.ts runs the same cases in the real Argo CD.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { HEALTH_CHECK_DIR as dir, healthCases, healthScript } from '../support/argocd-health.js';

const runner = fileURLToPath(new URL('../../hack/argocd/run-health.lua', import.meta.url));
const docs = fileURLToPath(new URL('../../docs/argocd.md', import.meta.url));
const LUA = 'lua5.1';

/** A Lua string literal: printable ASCII as is, every other byte as a decimal escape (Lua 5.1 has no \u). */
const luaString = (s: string) => `"${[...Buffer.from(s, 'utf8')].map((b) =>
  b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\${String(b).padStart(3, '0')}`).join('')}"`;

/** A parsed object as a Lua table literal; a null becomes an absent key, as when Argo CD hands the object to Lua. */
function toLua(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'string') return luaString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `{${v.map(toLua).join(', ')}}`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== null);
  return `{${entries.map(([k, x]) => `[${luaString(k)}] = ${toLua(x)}`).join(', ')}}`;
}

const work = mkdtempSync(join(tmpdir(), 'argocd-health-'));
function health(fixture: string): { status: string; message: string } {
  const object = parse(readFileSync(join(dir, 'testdata', fixture), 'utf8')) as unknown;
  const file = join(work, `${fixture}.lua`);
  writeFileSync(file, `return ${toLua(object)}\n`);
  const r = spawnSync(LUA, [runner, file, join(dir, 'health.lua')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${LUA} failed on ${fixture}: ${r.stderr}`);
  const [status = '', ...message] = r.stdout.replace(/\n$/, '').split('\t');
  return { status, message: message.join('\t') };
}

beforeAll(() => {
  const probe = spawnSync(LUA, ['-v'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`${LUA} is not on PATH: the Argo CD health check is tested under Debian's lua5.1 ` +
      '(apt-get install lua5.1; hack/testenv/build.sh should install it)');
  }
});

describe('Argo CD health of a MetricsStack', () => {
  it.each([
    ['no-status.yaml', 'Progressing', 'Waiting for metricsstack-operator to report status'],
    ['status-null.yaml', 'Progressing', 'Waiting for metricsstack-operator to report status'],
    ['generation-not-observed.yaml', 'Progressing', 'Waiting for metricsstack-operator to observe generation 3'],
    ['no-ready-condition.yaml', 'Progressing', 'Waiting for the Ready condition'],
    ['ready-condition-stale.yaml', 'Progressing', 'Waiting for the Ready condition'],
    ['ready-unknown.yaml', 'Progressing', 'Reconciling: first reconcile in progress'],
    ['ready.yaml', 'Healthy', 'metrics.k8s.io answers for 5 nodes'],
    ['degraded-aggregation.yaml', 'Degraded', 'ExtensionAPIAuthenticationMissing: configmaps "extension-apiserver-authentication" not found in ' +
      'kube-system: start kube-apiserver with --requestheader-client-ca-file'],
  ])('%s → %s', (fixture, status, message) => {
    expect(health(fixture)).toEqual({ status, message });
  });

  it.each(healthCases().map((c) => [c.inputPath, c.healthStatus] as const))('health_test.yaml: %s', (inputPath, expected) => {
    expect(health(inputPath.replace(/^testdata\//, ''))).toEqual(expected);
  });

  it('passes a Degraded message through byte for byte: quotes, backslashes, newlines and non-ASCII', () => {
    const fixture = parse(readFileSync(join(dir, 'testdata', 'degraded-kubelet-x509.yaml'), 'utf8')) as { status: { conditions: { message: string }[] } };
    const message = `KubeletCertificateInvalid: ${fixture.status.conditions[0]!.message}`;
    expect(health('degraded-kubelet-x509.yaml')).toEqual({ status: 'Degraded', message });
  });

  it('is the script docs/argocd.md tells users to put in argocd-cm', () => {
    const md = readFileSync(docs, 'utf8');
    const block = /resource\.customizations\.health\.metricsstack\.io_MetricsStack: \|\n((?: {4}.*\n|\n)+)/.exec(md);
    expect(block, 'the argocd-cm snippet in docs/argocd.md').not.toBeNull();
    const snippet = block![1]!.split('\n').map((l) => l.slice(4)).join('\n').trimEnd();
    expect(snippet).toBe(healthScript().trimEnd());
  });
});
