import { existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { CoreV1Api, type V1Container, type V1Pod } from '@kubernetes/client-node';
import type { TestCluster } from './cluster.js';
import { ip } from './network.js';
import { containerEnv, expandArgs } from './pod-env.js';
import { materializeVolumes } from './pod-volumes.js';
import { waitFor, type Proc } from './procs.js';

export interface RunPodOptions {
  namespace: string; podName: string;
  /** The real binary that plays the container's entrypoint. */
  binary: string;
  /** Container name; default: the pod's first container. */
  container?: string;
  /** How long to wait for kwok to make the pod Running with an IP (default 60 s). */
  timeoutMs?: number;
}

export interface RunningPod { ip: string; netns: string; logFile: string; proc: Proc; logs(): string; stop(): Promise<void> }

const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
const depth = (p: string) => p.split('/').filter(Boolean).length;
const under = (p: string, dir: string) => p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

/**
 * A tiny kubelet for one pod that kwok "runs": the real binary runs as the pod's container on a suite-made test host
 * (a network namespace holding the pod IP, veth into the cluster bridge) in a private mount namespace with the
 * pod's volumes at their mountPaths, with exactly the container's args and env, plus the in-cluster connection
 * settings a pod gets (KUBERNETES_SERVICE_HOST/PORT = the gateway relay to kube-apiserver). Needs network mode.
 * Not emulated: securityContext (runs as root), probes, resource limits, restarts, token refresh.
 */
export async function runPod(cluster: TestCluster, o: RunPodOptions): Promise<RunningPod> {
  const net = cluster.network;
  if (!net) throw new Error('runPod needs a cluster started with { network: true }');
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  let pod: V1Pod = {};
  await waitFor(`pod ${o.namespace}/${o.podName} Running with a pod IP`, async () => {
    pod = await core.readNamespacedPod({ namespace: o.namespace, name: o.podName });
    return pod.status?.phase === 'Running' && !!pod.status.podIP;
  }, { timeoutMs: o.timeoutMs ?? 60_000, watch: [] });
  const containers = pod.spec!.containers;
  const container = o.container === undefined ? containers[0] : containers.find((c) => c.name === o.container);
  if (!container) throw new Error(`pod ${o.namespace}/${o.podName} has no container ${o.container ?? ''}`);
  const podIP = pod.status!.podIP!;

  const podDir = join(cluster.dir, 'pods', `${o.namespace}_${o.podName}`);
  await materializeVolumes(core, pod, join(podDir, 'volumes'));
  // A kubelet also writes the pod's /etc/hosts and /etc/resolv.conf. No cluster DNS exists here: a nameserver on
  // the pod's own loopback makes any lookup fail at once instead of reaching for the host's real resolver.
  mkdirSync(join(podDir, 'etc'), { recursive: true });
  writeFileSync(join(podDir, 'etc', 'hosts'), `127.0.0.1\tlocalhost\n${podIP}\t${o.podName}\n`);
  writeFileSync(join(podDir, 'etc', 'resolv.conf'), 'nameserver 127.0.0.1\n');

  // The test host: the pod IP with the bridge's /16 prefix, so the gateway, node IPs and other pods are on-link.
  // Deliberately no default route: nothing outside the suite's subnet is reachable from a pod.
  const { netns, veth } = net.nextHost();
  await ip('netns', 'add', netns);
  await ip('link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns);
  await ip('link', 'set', veth, 'master', net.bridge, 'up');
  await ip('-n', netns, 'addr', 'add', `${podIP}/${net.prefix}`, 'dev', 'eth0');
  await ip('-n', netns, 'link', 'set', 'eth0', 'up');
  await ip('-n', netns, 'link', 'set', 'lo', 'up');

  const env = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/', HOSTNAME: o.podName,
    KUBERNETES_SERVICE_HOST: net.gateway, KUBERNETES_SERVICE_PORT: String(cluster.ports.apiserver),
    KUBERNETES_SERVICE_PORT_HTTPS: String(cluster.ports.apiserver),
    ...await containerEnv(core, pod, container),
  };
  const argv = [...(container.command ?? []).slice(1), ...(container.args ?? [])];
  const script = mountScript(podDir, container, pod);
  writeFileSync(join(podDir, 'start.sh'), script); // for post-mortems; the script runs from -c
  const proc = cluster.group.start(`pod-${o.namespace}-${o.podName}`, 'ip',
    ['netns', 'exec', netns, 'unshare', '--mount', '--propagation', 'private',
      'sh', '-c', script, 'sh', o.binary, ...expandArgs(argv, env)], env, false);

  let stopping: Promise<void> | undefined;
  return {
    ip: podIP, netns, logFile: proc.logFile, proc,
    logs: () => { try { return readFileSync(proc.logFile, 'utf8'); } catch { return ''; } },
    stop: () => stopping ??= (async () => {
      await cluster.group.stopProc(proc);
      await ip('link', 'del', veth).catch(() => undefined);
      await ip('netns', 'del', netns).catch(() => undefined);
    })(),
  };
}

/**
 * The shell that sets up the container's filesystem view, then execs "$@" (the binary and its args, unquoted by
 * nobody). It runs in a mount namespace of its own, so nothing here is visible on the host.
 * - Sources are relative to the pod folder, the shell's working directory: mounting a volume over /tmp hides the
 *   pod folder's absolute path (it lives under $TMPDIR), but a working directory keeps pointing at the old tree.
 * - A mountPath that does not exist on the host (/etc/metrics-server/serving, /var/run/secrets/...) needs a
 *   mountpoint without touching the host: its deepest existing ancestor (/etc, /run) gets an overlay whose upper
 *   layer is a tmpfs private to this namespace, and mkdir happens in that layer. A mountPath under another volume's
 *   mountPath is created in that volume's folder instead (as runc does inside volumes).
 */
function mountScript(podDir: string, c: V1Container, pod: V1Pod): string {
  const mounts = [...(c.volumeMounts ?? [])].sort((a, b) => depth(a.mountPath) - depth(b.mountPath));
  const overlays = new Set<string>();
  const lines = ['set -e', `cd ${q(podDir)}`];
  const binds: string[] = [];
  for (const m of mounts) {
    const src = join('volumes', m.name, m.subPath ?? '');
    if (!pod.spec?.volumes?.some((v) => v.name === m.name)) throw new Error(`volumeMount ${m.name}: no such volume`);
    const isFile = existsSync(join(podDir, src)) && statSync(join(podDir, src)).isFile();
    const parent = mounts.find((p) => p !== m && under(m.mountPath, p.mountPath));
    if (parent) {
      const inVolume = join(podDir, 'volumes', parent.name, parent.subPath ?? '', relative(parent.mountPath, m.mountPath));
      mkdirSync(isFile ? dirname(inVolume) : inVolume, { recursive: true });
      if (isFile && !existsSync(inVolume)) writeFileSync(inVolume, '');
    } else if (!existsSync(m.mountPath)) {
      let a = dirname(m.mountPath);
      while (!existsSync(a)) a = dirname(a);
      a = realpathSync(a);
      if (a === '/' || under(podDir, a)) throw new Error(`mountPath ${m.mountPath}: cannot create a mountpoint under ${a}`);
      overlays.add(a);
      binds.push(isFile ? `mkdir -p ${q(dirname(m.mountPath))} && touch ${q(m.mountPath)}` : `mkdir -p ${q(m.mountPath)}`);
    }
    binds.push(`mount -c --bind ${q(src)} ${q(m.mountPath)}`);
    if (m.readOnly) binds.push(`mount -c -o remount,bind,ro ${q(m.mountPath)}`);
  }
  if (overlays.size) lines.push('mkdir -p overlay', 'mount -t tmpfs -o size=16m tmpfs overlay');
  [...overlays].sort((a, b) => depth(a) - depth(b)).forEach((a, i) => {
    const layer = join(podDir, 'overlay', String(i));
    lines.push(`mkdir -p ${q(`${layer}/upper`)} ${q(`${layer}/work`)}`,
      `mount -t overlay overlay -o ${q(`lowerdir=${a},upperdir=${layer}/upper,workdir=${layer}/work`)} ${q(a)}`);
  });
  lines.push(...binds);
  for (const f of ['hosts', 'resolv.conf']) if (existsSync(`/etc/${f}`)) lines.push(`mount -c --bind etc/${f} /etc/${f}`);
  lines.push(`cd ${q(c.workingDir ?? '/')}`, 'exec "$@"');
  return lines.join('\n');
}
