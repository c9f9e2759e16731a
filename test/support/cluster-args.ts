import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pki } from './certs.js';

/** Must match hack/testenv/versions.env; the integration test checks `kubectl version` against it. */
export const KUBE_VERSION = 'v1.36.3';
export const SERVICE_CIDR = '10.96.0.0/16';
export const SA_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export interface Ports { etcd: number; etcdPeer: number; apiserver: number; controllerManager: number; scheduler: number; kwok: number }

let cachedBinDir: string | undefined;

/**
 * Where the control-plane binaries are: $METRICSSTACK_TESTENV_BIN (either build.sh's cache folder or its bin/),
 * else whatever hack/testenv/build.sh prints on its last line (instant when the cache is warm, ~30 min when cold).
 */
export function resolveBinDir(): string {
  if (cachedBinDir) return cachedBinDir;
  let dir = process.env.METRICSSTACK_TESTENV_BIN;
  if (!dir) {
    const script = fileURLToPath(new URL('../../hack/testenv/build.sh', import.meta.url));
    console.log('[cluster] METRICSSTACK_TESTENV_BIN unset; running hack/testenv/build.sh (slow if the cache is cold)');
    const out = execFileSync('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    dir = out.trim().split('\n').pop() ?? '';
  }
  cachedBinDir = existsSync(join(dir, 'bin', 'kube-apiserver')) ? join(dir, 'bin') : dir;
  if (!existsSync(join(cachedBinDir, 'kube-apiserver'))) throw new Error(`no kube-apiserver in ${cachedBinDir}`);
  return cachedBinDir;
}

export function etcdArgs(dir: string, p: Ports): string[] {
  const client = `http://127.0.0.1:${p.etcd}`;
  const peer = `http://127.0.0.1:${p.etcdPeer}`;
  return [
    '--name=etcd0', `--data-dir=${join(dir, 'etcd')}`,
    `--listen-client-urls=${client}`, `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`, `--initial-advertise-peer-urls=${peer}`, `--initial-cluster=etcd0=${peer}`,
    '--initial-cluster-state=new',
    // Throw-away data: skipping fsync makes every API write cheaper, which is most of a test's wall time.
    '--unsafe-no-fsync=true', '--log-level=warn',
  ];
}

/** `issuer`: the service-account issuer the apiserver signs with and publishes at /.well-known/openid-configuration. */
export function apiserverArgs(dir: string, p: Ports, pki: Pki, issuer = SA_ISSUER): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${p.etcd}`,
    '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${p.apiserver}`,
    // Endpoints may not hold loopback addresses, so the "kubernetes" Service cannot point at us; without this the
    // apiserver logs a rejected update every 10 s. Nothing here routes Service IPs anyway.
    '--endpoint-reconciler-type=none',
    `--cert-dir=${join(dir, 'apiserver')}`,
    `--tls-cert-file=${pki.apiserver.cert}`, `--tls-private-key-file=${pki.apiserver.key}`,
    `--client-ca-file=${pki.ca.cert}`,
    `--service-account-key-file=${pki.saPub}`, `--service-account-signing-key-file=${pki.saKey}`,
    `--service-account-issuer=${issuer}`,
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    '--authorization-mode=Node,RBAC', '--allow-privileged=true', '--profiling=false',
    // The aggregation layer, as kubeadm sets it up. Its absence is seed 000's failure: without
    // --requestheader-client-ca-file the kube-system/extension-apiserver-authentication ConfigMap lacks it.
    `--requestheader-client-ca-file=${pki.frontProxyCa.cert}`,
    '--requestheader-allowed-names=front-proxy-client',
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-username-headers=X-Remote-User',
    `--proxy-client-cert-file=${pki.frontProxyClient.cert}`, `--proxy-client-key-file=${pki.frontProxyClient.key}`,
    // Route to endpoint IPs, not the Service's cluster IP: nothing implements Service VIPs here (no kube-proxy).
    '--enable-aggregator-routing=true',
    '--v=1',
  ];
}

export function controllerManagerArgs(dir: string, p: Ports, pki: Pki, kubeconfig: string, controllers: string[]): string[] {
  return [
    `--kubeconfig=${kubeconfig}`, `--authentication-kubeconfig=${kubeconfig}`, `--authorization-kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1', `--secure-port=${p.controllerManager}`, `--cert-dir=${join(dir, 'controller-manager')}`,
    // One instance only: skipping leader election saves the lease acquisition on every start.
    '--leader-elect=false',
    `--controllers=${controllers.join(',')}`,
    '--use-service-account-credentials=true',
    `--service-account-private-key-file=${pki.saKey}`, `--root-ca-file=${pki.ca.cert}`,
    `--cluster-signing-cert-file=${pki.ca.cert}`, `--cluster-signing-key-file=${pki.ca.key}`,
    // HPA reacts within seconds instead of the default 15 s sync and 5 min scale-down window, so tests stay short.
    '--horizontal-pod-autoscaler-sync-period=5s',
    '--horizontal-pod-autoscaler-downscale-stabilization=15s',
    '--kube-api-qps=100', '--kube-api-burst=200',
    '--v=1',
  ];
}

export function schedulerArgs(dir: string, p: Ports, kubeconfig: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`, `--authentication-kubeconfig=${kubeconfig}`, `--authorization-kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1', `--secure-port=${p.scheduler}`, `--cert-dir=${join(dir, 'scheduler')}`,
    '--leader-elect=false', '--v=1',
  ];
}
