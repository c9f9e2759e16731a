/**
 * The operator image that `make image` built from the unchanged Dockerfile with Debian's podman over the stand-in
 * bases (hack/testenv/image, docs/testing.md), run by podman itself: a real container runtime applying the image's
 * own USER, ENTRYPOINT, ENV and WORKDIR. The container shares the test's network namespace (only loopback, under
 * offline.sh) and talks to a local control plane. The chart's pod running this image is test/e2e/chart-image.test.ts.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { installCrd } from '../support/crd.js';
import { exportedImage } from '../support/image.js';
import { IMAGE_ENV, IMAGE_NODE_FLAGS } from '../support/operator.js';
import { freePorts } from '../support/ports.js';
import { waitFor } from '../support/procs.js';

const PODMAN = new URL('../../hack/testenv/image/podman.sh', import.meta.url).pathname;
interface Run { code: number; stdout: string; stderr: string }
const podman = (...args: string[]) => new Promise<Run>((done) => execFile(PODMAN, args, { timeout: 60_000 }, (err, stdout, stderr) =>
  done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr })));

describe('the operator image, run by podman', () => {
  const image = exportedImage();
  let cluster: TestCluster;
  const name = `metricsstack-image-test-${process.pid}`;

  beforeAll(async () => {
    cluster = await startCluster({ preset: 'eks-mixed', name: 'image' });
    await installCrd(cluster);
  });
  afterAll(async () => {
    await podman('rm', '--force', '--time', '5', name);
    await cluster?.stop();
  });

  it('is the image the tests and the bench measure: the same node flags and environment, nonroot, no shell', () => {
    expect(image.entrypoint).toEqual(['/nodejs/bin/node', ...IMAGE_NODE_FLAGS, '/app/main.js']);
    expect(image.env).toMatchObject({ ...IMAGE_ENV, NODE_ENV: 'production' });
    expect(image).toMatchObject({ user: '65532:65532', workingDir: '/app', cmd: [] });
    for (const shell of ['bin/sh', 'usr/bin/sh', 'bin/bash']) expect(existsSync(join(image.rootfs, shell)), shell).toBe(false);
    expect(existsSync(join(image.rootfs, 'app', 'node_modules'))).toBe(false);
    expect(readFileSync(join(image.rootfs, 'etc', 'passwd'), 'utf8')).toMatch(/^nonroot:x:65532:65532:/m);
  });

  it('prints its flags with --help and exits 0; an unknown flag exits 2 with the error and the flags', async () => {
    const help = await podman('run', '--rm', '--network', 'host', '--read-only', image.ref, '--help');
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^usage: metricsstack-operator \[flags\]\n/);
    expect(help.stdout).toMatch(/--health-probe-bind-address <value> +host:port of \/healthz and \/readyz \(default 0\.0\.0\.0:8081\)/);
    const bad = await podman('run', '--rm', '--network', 'host', '--read-only', image.ref, '--leader-election');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`metricsstack-operator: Unknown option '--leader-election'\n${help.stdout}`);
  });

  it('starts as uid 65532 on a read-only root and serves /healthz, /readyz and /metrics', async () => {
    // Inline credentials: the container's user cannot read the cluster folder's key files (root, 0600).
    const b64 = (f: string) => readFileSync(f).toString('base64');
    const admin = (JSON.parse(readFileSync(cluster.kubeconfigPath, 'utf8')) as { users: { user: Record<string, string> }[] }).users[0]!.user;
    const kubeconfig = join(cluster.dir, 'image.kubeconfig');
    writeFileSync(kubeconfig, JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'admin',
      clusters: [{ name: 'test', cluster: { server: cluster.server, 'certificate-authority-data': b64(cluster.caFile) } }],
      users: [{ name: 'admin', user: { 'client-certificate-data': b64(admin['client-certificate']!), 'client-key-data': b64(admin['client-key']!) } }],
      contexts: [{ name: 'admin', context: { cluster: 'test', user: 'admin' } }],
    }), { mode: 0o644 });
    const [metrics, health] = (await freePorts(2)) as [number, number];
    const run = await podman('run', '--detach', '--name', name, '--network', 'host', '--read-only',
      '--volume', `${kubeconfig}:/etc/metricsstack/kubeconfig:ro`, image.ref, '--kubeconfig', '/etc/metricsstack/kubeconfig',
      `--metrics-bind-address=127.0.0.1:${metrics}`, `--health-probe-bind-address=127.0.0.1:${health}`, '--leader-elect=false');
    expect(run.code, run.stderr).toBe(0);
    const logs = async () => { const r = await podman('logs', '--tail', '20', name); return r.stdout + r.stderr; };
    const get = async (port: number, path: string) => {
      const r = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: r.status, body: await r.text() };
    };
    await waitFor('the container /readyz', async () => (await get(health, '/readyz')).status === 200, { timeoutMs: 30_000, watch: [] })
      .catch(async (err: Error) => { throw new Error(`${err.message}\n${await logs()}`); });
    expect(await get(health, '/healthz')).toEqual({ status: 200, body: 'ok\n' });
    expect((await get(metrics, '/metrics')).body).toMatch(/^metricsstack_leader 1$/m);

    const pid = (await podman('inspect', '--format', '{{.State.Pid}}', name)).stdout.trim();
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    expect(status).toMatch(/^Uid:\s+65532\s+65532\s+65532\s+65532$/m);
    expect(status).toMatch(/^Gid:\s+65532\s+65532\s+65532\s+65532$/m);
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, 5)).toEqual([...image.entrypoint]);
    const root = readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n').find((l) => l.split(' ')[4] === '/');
    expect(root?.split(' ')[5]).toMatch(/^ro\b/);
  });
});
