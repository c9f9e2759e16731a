/**
 * The krew path as a user takes it, offline: the release script packs the package and fills plugins/metricsstack.yaml,
 * the real krew (hack/testenv/krew.sh) installs that archive with that manifest into a temp KREW_ROOT, and kubectl's
 * own plugin discovery runs `kubectl metricsstack` from there — --help, then doctor against the local control plane.
 * A manifest whose sha256 is not the archive's must make krew refuse.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoscalingV2Api, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USAGE } from '../../src/plugin/args.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { krewShell, releaseKrewManifest } from '../support/krew.js';

const NS = 'shop';

describe('kubectl metricsstack installed by krew from the release archive', () => {
  const dir = mkdtempSync(join(tmpdir(), 'krew-'));
  const out = join(dir, 'release');
  const shell = krewShell(join(dir, 'krew-root'));
  let archive: string;
  let manifest: string;
  let sha256: string;
  let cluster: TestCluster | undefined;

  beforeAll(async () => {
    const release = await releaseKrewManifest(out);
    expect(release.code, release.stderr).toBe(0);
    archive = join(out, readdirSync(out).find((f) => f.endsWith('.tgz'))!);
    manifest = join(out, 'metricsstack.yaml');
    sha256 = createHash('sha256').update(readFileSync(archive)).digest('hex');
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the archive\'s sha256, the version and the release uri into the manifest', () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const text = readFileSync(manifest, 'utf8');
    expect(text).toContain(`sha256: "${sha256}"`);
    expect(text).toContain(`version: v${version}\n`);
    expect(text).toContain(`uri: https://github.com/metricsstack/metricsstack-operator/releases/download/v${version}/metricsstack-operator-${version}.tgz\n`);
  });

  it('krew installs it: the manifest\'s files land in the store and the bin is linked into $KREW_ROOT/bin', async () => {
    const r = await shell.krew('install', `--manifest=${manifest}`, `--archive=${archive}`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Installed plugin: metricsstack');
    const version = readFileSync(manifest, 'utf8').match(/^ {2}version: (\S+)$/m)![1]!;
    const store = join(dir, 'krew-root', 'store', 'metricsstack', version);
    expect(readdirSync(store).sort()).toEqual(['LICENSE', 'chunks', 'kubectl-metricsstack.js']);
    // krew's record of the install (`krew list` needs the plugin index, which only `krew update` fetches).
    const receipt = readFileSync(join(dir, 'krew-root', 'receipts', 'metricsstack.yaml'), 'utf8');
    expect(receipt).toContain(`sha256: ${sha256}\n`);
    expect(receipt).toMatch(/status:\n {2}source:\n {4}name: detached\n/);
  });

  it('kubectl finds the plugin on PATH and `kubectl metricsstack --help` prints the usage, exit 0', async () => {
    const plugins = await shell.kubectl('plugin', 'list');
    expect(plugins.stdout).toContain(join(dir, 'krew-root', 'bin', 'kubectl-metricsstack'));
    const help = await shell.kubectl('metricsstack', '--help');
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toBe(USAGE);
  });

  it('`kubectl metricsstack doctor` on a cluster with an HPA on a missing Deployment: TargetMissing, exit 1', async () => {
    cluster = await startCluster({ preset: 'none', name: 'krew' });
    await cluster.kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
    await cluster.kubeConfig.makeApiClient(AutoscalingV2Api).createNamespacedHorizontalPodAutoscaler({ namespace: NS, body: {
      metadata: { name: 'ghost' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'does-not-exist' }, minReplicas: 1, maxReplicas: 3,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] },
    } });
    const r = await shell.kubectl('metricsstack', 'doctor', '--kubeconfig', cluster.kubeconfigPath);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^hpa ${NS}/ghost +TargetMissing\n {4}why: scale target Deployment ${NS}/does-not-exist does not exist`, 'm'));
  }, 180_000);

  it('krew refuses an archive whose sha256 is not the manifest\'s, and installs nothing', async () => {
    const wrong = createHash('sha256').update('not the archive').digest('hex');
    const bad = join(dir, 'wrong-sha.yaml');
    writeFileSync(bad, readFileSync(manifest, 'utf8').replace(sha256, wrong));
    const root = join(dir, 'krew-root-2');
    const r = await krewShell(root).krew('install', `--manifest=${bad}`, `--archive=${archive}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`failed to unpack the plugin archive: checksum does not match, want: ${wrong}, got ${sha256}`);
    expect(r.stderr).toContain('failed to install some plugins: [metricsstack]');
    expect(existsSync(join(root, 'bin', 'kubectl-metricsstack'))).toBe(false);
  });
});
