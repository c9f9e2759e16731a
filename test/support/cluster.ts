import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { makePki, writeKubeconfig } from './certs.js';
import { apiserverArgs, controllerManagerArgs, etcdArgs, resolveBinDir, schedulerArgs, type Ports } from './cluster-args.js';
import { mustKubectl, probe, runKubectl, type Kubectl } from './kubectl.js';
import { KWOK_CRD_FILES, KWOK_CRD_NAMES, KWOK_ASSETS, kwokArgs, kwokUsage, scrapeNodeMetrics } from './kwok.js';
import { presetNodes, type Preset } from './kwok-nodes.js';
import { createNetwork, GATEWAY, type ClusterNetwork } from './network.js';
import { assertOffline } from './offline.js';
import { freePorts } from './ports.js';
import { ProcGroup, waitFor, type Proc } from './procs.js';

export type { KubectlResult } from './kubectl.js';

/** `network: true` adds the bridge and relays that let pod-runner.ts run real binaries as pods (see network.ts). */
export interface StartOptions {
  preset?: Preset; name?: string; controllers?: string[]; network?: boolean;
  /** Appended to kube-apiserver's flags (e.g. an audit policy and log for bench/); later flags win. */
  apiserverExtraArgs?: string[];
  /**
   * The service-account issuer (default SA_ISSUER). EKS tests pass the seeded moto cluster's OIDC issuer, so the
   * operator can verify that cluster is this one; a promise lets moto start and seed while etcd boots.
   */
  serviceAccountIssuer?: string | Promise<string>;
  /** Appended to kwok's flags (e.g. a wider --cidr for 50,000 pods); later flags win. */
  kwokExtraArgs?: string[];
  /** Appended to kube-controller-manager's flags (e.g. a longer --node-monitor-grace-period at 5,000 nodes); later flags win. */
  controllerManagerExtraArgs?: string[];
}

export interface TestCluster extends ReturnType<typeof kwokUsage> {
  name: string; dir: string; binDir: string; server: string; kubeconfigPath: string; kubeConfig: KubeConfig;
  ports: Ports; pids: number[]; startupMs: number;
  /** The CA that signed the apiserver's and kwok's serving certs (PEM file). */
  caFile: string;
  /** Present in network mode only. */
  network?: ClusterNetwork;
  /** The cluster's processes; pod-runner adds its pods here so that every clean-up path covers them. */
  group: ProcGroup;
  kubectl: Kubectl;
  /** kwok's simulated kubelet /metrics/resource of one node (Prometheus text). */
  nodeMetrics(nodeName: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts etcd, kube-apiserver (with the aggregation layer), kube-controller-manager, kube-scheduler and kwok on
 * free 127.0.0.1 ports in a fresh temp folder, creates the preset's EKS-shaped nodes and waits until they are Ready.
 * On failure everything started is stopped and the error carries the failing component's log tail.
 */
export async function startCluster(opts: StartOptions = {}): Promise<TestCluster> {
  const t0 = Date.now();
  // The aggregator, kwok and the pods dial simulated addresses: with a route off the machine they would leave it.
  await assertOffline('a test cluster');
  const name = opts.name ?? 'metricsstack-test';
  const binDir = resolveBinDir();
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  mkdirSync(join(dir, 'logs'));
  const group = new ProcGroup(dir);
  try {
    const [etcd, etcdPeer, apiserver, controllerManager, scheduler, kwok] = await freePorts(6) as
      [number, number, number, number, number, number];
    const ports: Ports = { etcd, etcdPeer, apiserver, controllerManager, scheduler, kwok };
    const bin = (b: string) => join(binDir, b);
    const nodes = presetNodes(opts.preset ?? 'eks-mixed');
    const nodeIPs = nodes.map((n) => n.status!.addresses!.find((a) => a.type === 'InternalIP')!.address);
    // Pods reach the apiserver at the gateway and each node's "kubelet" (kwok) at its InternalIP, through relays.
    const network = opts.network ? await createNetwork(group, { nodeIPs, relays: [
      { port: apiserver, on: [GATEWAY] }, { port: kwok, on: nodeIPs }] }) : undefined;
    const procs: Proc[] = [];
    const started = (p: Proc) => { procs.push(p); return p; };

    // etcd needs no certificates: start it first and generate the PKI while it boots.
    const etcdProc = started(group.start('etcd', bin('etcd'), etcdArgs(dir, ports)));
    const ids = [
      { name: 'admin', cn: 'admin', o: 'system:masters' },
      { name: 'controller-manager', cn: 'system:kube-controller-manager' },
      { name: 'scheduler', cn: 'system:kube-scheduler' },
      // kwok patches node/pod status, leases and reads its CRs; it has no bootstrap role of its own.
      { name: 'kwok', cn: 'kwok-controller', o: 'system:masters' },
    ];
    const pki = await makePki(join(dir, 'pki'), ids, network ? [GATEWAY] : []);
    const server = `https://127.0.0.1:${apiserver}`;
    const kubeconfig = (id: string) => join(dir, `${id}.kubeconfig`);
    await Promise.all(ids.map((id) => writeKubeconfig(kubeconfig(id.name), server, pki.ca.cert, pki.clients[id.name]!, id.cn, name)));
    await waitFor('etcd /health', async () => await probe(`http://127.0.0.1:${etcd}/health`) === 200,
      { timeoutMs: 20_000, watch: procs, blame: etcdProc });

    const issuer = await opts.serviceAccountIssuer;
    const apiProc = started(group.start('kube-apiserver', bin('kube-apiserver'),
      [...apiserverArgs(dir, ports, pki, issuer), ...opts.apiserverExtraArgs ?? []]));
    const admin = pki.clients.admin!;
    const tls = { ca: readFileSync(pki.ca.cert), cert: readFileSync(admin.cert), key: readFileSync(admin.key) };
    await waitFor('kube-apiserver /readyz', async () => await probe(`${server}/readyz`, tls) === 200,
      { timeoutMs: 60_000, watch: procs, blame: apiProc });

    const kubeconfigPath = kubeconfig('admin');
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfigPath);
    const kubectl: Kubectl = (args, o = {}) =>
      runKubectl(bin('kubectl'), ['--kubeconfig', kubeconfigPath, ...args], o);

    const kcmProc = started(group.start('kube-controller-manager', bin('kube-controller-manager'),
      [...controllerManagerArgs(dir, ports, pki, kubeconfig('controller-manager'), opts.controllers ?? ['*']), ...opts.controllerManagerExtraArgs ?? []]));
    const schedProc = started(group.start('kube-scheduler', bin('kube-scheduler'), schedulerArgs(dir, ports, kubeconfig('scheduler'))));

    // kwok watches its CRDs but does not install them: they must be Established before it starts.
    await mustKubectl(kubectl, ['apply', '--server-side', ...KWOK_CRD_FILES.flatMap((f) => ['-f', f])]);
    // Not `kubectl wait`: it fails outright if it reads a CRD before the CRD's first status write.
    await waitFor('kwok CRDs Established', async () => {
      const established = 'jsonpath={.items[*].status.conditions[?(@.type=="Established")].status}';
      const r = await kubectl(['get', ...KWOK_CRD_NAMES.map((c) => `crd/${c}`), '-o', established]);
      return r.stdout.trim().split(/\s+/).filter((x) => x === 'True').length === KWOK_CRD_NAMES.length;
    }, { timeoutMs: 30_000, watch: procs, blame: apiProc });
    await mustKubectl(kubectl, ['apply', '--server-side', '-f', join(KWOK_ASSETS, 'metrics-resource.yaml')]);
    const kwokProc = started(group.start('kwok', bin('kwok'),
      [...kwokArgs({ kubeconfig: kubeconfig('kwok'), port: kwok, cert: pki.kwok.cert, key: pki.kwok.key }), ...opts.kwokExtraArgs ?? []],
      { KWOK_WORKDIR: join(dir, 'kwok') })); // keeps kwok from reading the user's ~/.kwok/kwok.yaml

    const core = kubeConfig.makeApiClient(CoreV1Api);
    for (const body of nodes) await core.createNode({ body });

    const healthy = (url: string) => async () => await probe(url, { rejectUnauthorized: false }) === 200;
    const wait = { timeoutMs: 60_000, watch: procs };
    await Promise.all([
      waitFor('kube-controller-manager /healthz', healthy(`https://127.0.0.1:${controllerManager}/healthz`), { ...wait, blame: kcmProc }),
      waitFor('kube-scheduler /healthz', healthy(`https://127.0.0.1:${scheduler}/healthz`), { ...wait, blame: schedProc }),
      waitFor('kwok /healthz', healthy(`http://127.0.0.1:${kwok}/healthz`), { ...wait, blame: kwokProc }),
      waitFor('namespace kube-system', async () => !!(await core.readNamespace({ name: 'kube-system' })), wait),
      waitFor('ServiceAccount default/default', async () =>
        !!(await core.readNamespacedServiceAccount({ namespace: 'default', name: 'default' })), { ...wait, blame: kcmProc }),
      waitFor(`${nodes.length} kwok nodes Ready`, async () => {
        const ready = (await core.listNode()).items.filter((n) =>
          n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
        return ready.length >= nodes.length;
      }, { ...wait, blame: kwokProc }),
    ]);

    const startupMs = Date.now() - t0;
    console.log(`[cluster] ${name} ready in ${(startupMs / 1000).toFixed(1)} s at ${server} (dir ${dir})`);
    return {
      name, dir, binDir, server, kubeconfigPath, kubeConfig, ports, startupMs, caFile: pki.ca.cert, group,
      ...(network && { network }),
      pids: group.procs.map((p) => p.pid),
      kubectl,
      ...kwokUsage(kubeConfig),
      nodeMetrics: (nodeName) => scrapeNodeMetrics(kwok, nodeName),
      stop: () => group.stop(),
    };
  } catch (err) {
    await group.stop();
    throw err;
  }
}
