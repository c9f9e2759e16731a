/**
 * The Argo CD health check (hack/argocd/health.lua) under Debian's lua5.1, the Lua dialect Argo CD runs, against
 * MetricsStack status fixtures; and the copy in docs/argocd.md, which users paste into argocd-cm, must be the same.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../hack/argocd/', import.meta.url));
const docs = fileURLToPath(new URL('../../docs/argocd.md', import.meta.url));
const LUA = 'lua5.1';

/** A Lua string literal: printable ASCII as is, every other byte as a decimal escape (Lua 5.1 has no \u). */
const luaString = (s: string) => `"${[...Buffer.from(s, 'utf8')].map((b) =>
  b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\${String(b).padStart(3, '0')}`).join('')}"`;

/** JSON as a Lua table literal; a null becomes an absent key, as when Argo CD hands the object to Lua. */
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
  const object = JSON.parse(readFileSync(join(dir, 'fixtures', fixture), 'utf8')) as unknown;
  const file = join(work, `${fixture}.lua`);
  writeFileSync(file, `return ${toLua(object)}\n`);
  const r = spawnSync(LUA, [join(dir, 'run-health.lua'), file, join(dir, 'health.lua')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${LUA} failed on ${fixture}: ${r.stderr}`);
  const [status = '', ...message] = r.stdout.replace(/\n$/, '').split('\t');
  return { status, message: message.join('\t') };
}

beforeAll(() => {
  const probe = spawnSync(LUA, ['-v'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`${LUA} is not on PATH: the Argo CD health check is tested under Debian's lua5.1 (apt-get install lua5.1; hack/testenv/build.sh should install it)`);
  }
});

describe('Argo CD health of a MetricsStack', () => {
  it.each([
    ['no-status.json', 'Progressing', 'Waiting for metricsstack-operator to report status'],
    ['status-null.json', 'Progressing', 'Waiting for metricsstack-operator to report status'],
    ['generation-not-observed.json', 'Progressing', 'Waiting for metricsstack-operator to observe generation 3'],
    ['no-ready-condition.json', 'Progressing', 'Waiting for the Ready condition'],
    ['ready-condition-stale.json', 'Progressing', 'Waiting for the Ready condition'],
    ['ready-unknown.json', 'Progressing', 'Reconciling: first reconcile in progress'],
    ['ready.json', 'Healthy', 'metrics.k8s.io answers for 5 nodes'],
    ['degraded-aggregation.json', 'Degraded', 'ExtensionAPIAuthenticationMissing: configmaps "extension-apiserver-authentication" not found in kube-system: start kube-apiserver with --requestheader-client-ca-file'],
  ])('%s → %s', (fixture, status, message) => {
    expect(health(fixture)).toEqual({ status, message });
  });

  it('passes a Degraded message through byte for byte: quotes, backslashes, newlines and non-ASCII', () => {
    const fixture = JSON.parse(readFileSync(join(dir, 'fixtures', 'degraded-kubelet-x509.json'), 'utf8')) as { status: { conditions: { message: string }[] } };
    expect(health('degraded-kubelet-x509.json')).toEqual({ status: 'Degraded', message: `KubeletCertificateInvalid: ${fixture.status.conditions[0]!.message}` });
  });

  it('is the script docs/argocd.md tells users to put in argocd-cm', () => {
    const md = readFileSync(docs, 'utf8');
    const block = /resource\.customizations\.health\.metricsstack\.io_MetricsStack: \|\n((?: {4}.*\n|\n)+)/.exec(md);
    expect(block, 'the argocd-cm snippet in docs/argocd.md').not.toBeNull();
    const snippet = block![1]!.split('\n').map((l) => l.slice(4)).join('\n').trimEnd();
    expect(snippet).toBe(readFileSync(join(dir, 'health.lua'), 'utf8').trimEnd());
  });
});
