import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { argocdCm } from './argocd-health.js';
import type { TestCluster } from './cluster.js';
import { installCrdFile } from './crd.js';
import { mustKubectl, probe } from './kubectl.js';
import { freePorts } from './ports.js';
import { logTail, waitFor, type Proc } from './procs.js';

export const ARGOCD_NAMESPACE = 'argocd';

/** The parts of an argoproj.io/v1alpha1 Application the tests read. */
export interface Application {
  metadata: { name: string; annotations?: Record<string, string> };
  status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string; message?: string };
    resources?: { group?: string; kind: string; name: string; namespace?: string; status?: string; health?: { status?: string; message?: string } }[];
    operationState?: { phase?: string; startedAt?: string; finishedAt?: string; message?: string; syncResult?: { revision?: string } };
    conditions?: { type: string; message: string }[];
    reconciledAt?: string;
  };
}

export interface ArgoCD {
  readonly controller: Proc;
  readonly repoServer: Proc;
  application(name: string): Promise<Application>;
  /** The tail of the controller's and repo-server's logs, for failure messages. */
  logs(lines?: number): string;
}

export interface ArgoCDOptions {
  /** timeout.reconciliation: how often every Application is compared with git and the cluster (Argo CD's default 3m). */
  readonly reconciliationTimeout: string;
}

/**
 * Argo CD's application controller and repo-server (the one argocd binary under those names) and Debian's
 * redis-server, on free loopback ports, in the cluster's process group. Installs Argo CD's CRDs (copied from its
 * module zip by build.sh), argocd-cm with our health check, argocd-secret and the default AppProject. The
 * controller reaches the cluster as `https://kubernetes.default.svc` through ARGOCD_FAKE_IN_CLUSTER (Argo CD's own
 * local-development switch: the in-cluster destination uses $KUBECONFIG), so the documented Application works as is.
 */
export async function startArgoCD(cluster: TestCluster, o: ArgoCDOptions): Promise<ArgoCD> {
  const data = join(cluster.binDir, '..', 'argocd');
  for (const kind of ['application', 'appproject']) await installCrdFile(cluster, join(data, 'crds', `${kind}-crd.yaml`), `${kind}s.argoproj.io`);
  await mustKubectl(cluster.kubectl, ['create', 'namespace', ARGOCD_NAMESPACE]);
  const settings = [
    argocdCm(ARGOCD_NAMESPACE),
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'argocd-secret', namespace: ARGOCD_NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'argocd' } },
      stringData: { 'server.secretkey': randomBytes(32).toString('base64') } },
    { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'default', namespace: ARGOCD_NAMESPACE },
      spec: { sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }], clusterResourceWhitelist: [{ group: '*', kind: '*' }] } },
  ];
  await mustKubectl(cluster.kubectl, ['apply', '--server-side', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: settings }));

  const dir = join(cluster.dir, 'argocd');
  for (const d of ['home', 'tmp', 'tls', 'ssh', 'plugins', 'redis']) mkdirSync(join(dir, d), { recursive: true });
  const [redisPort, repoPort, repoMetrics, controllerMetrics] = (await freePorts(4)) as [number, number, number, number];
  const bin = (b: string) => join(cluster.binDir, b);
  const redisArgs = ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', join(dir, 'redis')];
  const redis = cluster.group.start('redis', bin('redis-server'), redisArgs);
  // The environment Argo CD's manifests give these containers, with every path in the test's folder: Helm 4 first on
  // PATH (what Argo CD 3.6 ships), and timeout.reconciliation as the manifests pass it from argocd-cm to both.
  const env = {
    PATH: [join(data, 'path'), cluster.binDir, '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    HOME: join(dir, 'home'), TMPDIR: join(dir, 'tmp'), KUBECONFIG: cluster.kubeconfigPath, ARGOCD_FAKE_IN_CLUSTER: 'true',
    ARGOCD_RECONCILIATION_TIMEOUT: o.reconciliationTimeout, ARGOCD_RECONCILIATION_JITTER: '0s',
    ARGOCD_GPG_ENABLED: 'false', ARGOCD_TLS_DATA_PATH: join(dir, 'tls'), ARGOCD_SSH_DATA_PATH: join(dir, 'ssh'),
    ARGOCD_PLUGINSOCKFILEPATH: join(dir, 'plugins'), ARGOCD_ASK_PASS_SOCK: join(dir, 'askpass.sock'),
  };
  // gRPC over TLS with the repo-server's self-signed session certificate, which the controller does not verify: as
  // installed by default (--disable-tls would also need --client-ca-path cleared).
  const repoServer = cluster.group.start('argocd-repo-server', bin('argocd-repo-server'), [
    '--address', '127.0.0.1', '--port', String(repoPort), '--metrics-address', '127.0.0.1', '--metrics-port', String(repoMetrics),
    '--redis', `127.0.0.1:${redisPort}`, '--logformat', 'text',
  ], env, false);
  // Resource health is kept in Application status (off by default since 3.0), so the test reads our message there.
  const controller = cluster.group.start('argocd-application-controller', bin('argocd-application-controller'), [
    '--namespace', ARGOCD_NAMESPACE, '--redis', `127.0.0.1:${redisPort}`, '--repo-server', `127.0.0.1:${repoPort}`,
    '--metrics-port', String(controllerMetrics), '--persist-resource-health',
    '--status-processors', '4', '--operation-processors', '2', '--logformat', 'text',
  ], env, false);
  const watch = [redis, repoServer, controller];
  await waitFor('argocd-repo-server /healthz', async () => (await probe(`http://127.0.0.1:${repoMetrics}/healthz?full=true`)) === 200,
    { timeoutMs: 30_000, watch, blame: repoServer });
  await waitFor('argocd-application-controller /healthz', async () => (await probe(`http://127.0.0.1:${controllerMetrics}/healthz`)) === 200,
    { timeoutMs: 30_000, watch, blame: controller });

  const custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
  const tail = (p: Proc, lines: number) => `${p.name}:\n${logTail(p, lines)}`;
  return {
    controller, repoServer,
    application: async (name) => (await custom.getNamespacedCustomObject({
      group: 'argoproj.io', version: 'v1alpha1', namespace: ARGOCD_NAMESPACE, plural: 'applications', name })) as Application,
    logs: (lines = 30) => [tail(controller, lines), tail(repoServer, lines)].join('\n'),
  };
}
