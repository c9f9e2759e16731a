import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import type { TestCluster } from './cluster.js';
import type { ExportedImage } from './image.js';
import { ip } from './network.js';
import { containerEnv, expandArgs } from './pod-env.js';
import { imageProcess, imageRootScript } from './pod-image.js';
import { mountScript, q } from './pod-mounts.js';
import { runProbe, type ProbeKind } from './pod-probe.js';
import { materializeVolumes } from './pod-volumes.js';
import { waitFor, type Proc } from './procs.js';

export interface RunPodOptions {
  namespace: string; podName: string;
  /** The real binary that plays the container's entrypoint (on the host's filesystem, as root)... */
  binary?: string;
  /** ...or the exported image the container names: its filesystem is the root, as the container's user (pod-image.ts). */
  image?: ExportedImage;
  /** Container name; default: the pod's first container. */
  container?: string;
  /** How long to wait for kwok to make the pod Running with an IP (default 60 s). */
  timeoutMs?: number;
}

export interface RunningPod {
  name: string; ip: string; netns: string; logFile: string; proc: Proc;
  logs(): string;
  /** One run of the container's httpGet probe against the pod IP: the HTTP status. */
  probe(kind: ProbeKind): Promise<number>;
  /** SIGTERM, then SIGKILL after graceMs (default 5 s); then the test host goes. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * A tiny kubelet for one pod that kwok "runs": the container runs on a suite-made test host (a network namespace
 * holding the pod IP, veth into the cluster bridge) in a private mount namespace with the pod's volumes at their
 * mountPaths, with exactly the container's args and env, plus the in-cluster connection settings a pod gets
 * (KUBERNETES_SERVICE_HOST/PORT = the gateway relay to kube-apiserver). Needs network mode. With `binary`, that
 * binary runs as root on the host's filesystem; with `image`, the image's filesystem is the container's root and
 * its user, read-only root and no_new_privs follow the securityContext (pod-image.ts). Probes run on request.
 * Not emulated: seccomp, capabilities beyond what a non-root uid lacks, resource limits, restarts, token refresh.
 */
export async function runPod(cluster: TestCluster, o: RunPodOptions): Promise<RunningPod> {
  const net = cluster.network;
  if (!net) throw new Error('runPod needs a cluster started with { network: true }');
  if (!o.binary === !o.image) throw new Error('runPod needs exactly one of binary and image');
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  let pod: V1Pod = {};
  await waitFor(`pod ${o.namespace}/${o.podName} Running with a pod IP`, async () => {
    pod = await core.readNamespacedPod({ namespace: o.namespace, name: o.podName });
    return pod.status?.phase === 'Running' && !!pod.status.podIP;
  }, { timeoutMs: o.timeoutMs ?? 60_000, watch: [] });
  const containers = pod.spec!.containers;
  const container = o.container === undefined ? containers[0] : containers.find((c) => c.name === o.container);
  if (!container) throw new Error(`pod ${o.namespace}/${o.podName} has no container ${o.container ?? ''}`);
  // As with imagePullPolicy Never: the kubelet starts only an image it has, under the name the pod gives.
  if (o.image && container.image !== o.image.ref) throw new Error(`pod ${o.podName} wants image ${container.image}; only ${o.image.ref} is here`);
  const podIP = pod.status!.podIP!;

  const podDir = join(cluster.dir, 'pods', `${o.namespace}_${o.podName}`);
  await materializeVolumes(core, pod, join(podDir, 'volumes'));
  // A kubelet also writes the pod's /etc/hosts and /etc/resolv.conf. No cluster DNS exists here: a nameserver on
  // the pod's own loopback makes any lookup fail at once instead of reaching for the host's real resolver.
  mkdirSync(join(podDir, 'etc'), { recursive: true });
  writeFileSync(join(podDir, 'etc', 'hosts'), `127.0.0.1\tlocalhost\n${podIP}\t${o.podName}\n`);
  writeFileSync(join(podDir, 'etc', 'resolv.conf'), 'nameserver 127.0.0.1\n');
  writeFileSync(join(podDir, 'etc', 'hostname'), `${o.podName}\n`);

  // The test host: the pod IP with the bridge's /16 prefix, so the gateway, node IPs and other pods are on-link.
  // Deliberately no default route: nothing outside the suite's subnet is reachable from a pod.
  const { netns, veth } = net.nextHost();
  await ip('netns', 'add', netns);
  await ip('link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns);
  await ip('link', 'set', veth, 'master', net.bridge, 'up');
  await ip('-n', netns, 'addr', 'add', `${podIP}/${net.prefix}`, 'dev', 'eth0');
  await ip('-n', netns, 'link', 'set', 'eth0', 'up');
  await ip('-n', netns, 'link', 'set', 'lo', 'up');

  const runtimeEnv = {
    KUBERNETES_SERVICE_HOST: net.gateway, KUBERNETES_SERVICE_PORT: String(cluster.ports.apiserver),
    KUBERNETES_SERVICE_PORT_HTTPS: String(cluster.ports.apiserver),
  };
  const ownEnv = await containerEnv(core, pod, container);
  let launch: { script: string; argv: string[]; env: Record<string, string> };
  if (o.image) {
    const passwd = readFileSync(join(o.image.rootfs, 'etc', 'passwd'), 'utf8');
    const p = imageProcess(o.image, pod, container, { passwd, runtimeEnv, containerEnv: ownEnv });
    launch = { script: `cd ${q(podDir)}\n${imageRootScript(o.image.rootfs, container, p)}`, argv: p.argv, env: p.env };
  } else {
    const env = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/', HOSTNAME: o.podName, ...runtimeEnv, ...ownEnv };
    const argv = [...(container.command ?? []).slice(1), ...(container.args ?? [])];
    launch = { script: mountScript(podDir, container, pod), argv: [o.binary!, ...expandArgs(argv, env)], env };
  }
  writeFileSync(join(podDir, 'start.sh'), launch.script); // for post-mortems; the script runs from -c
  const proc = cluster.group.start(`pod-${o.namespace}-${o.podName}`, 'ip',
    ['netns', 'exec', netns, 'unshare', '--mount', '--propagation', 'private',
      'sh', '-c', launch.script, 'sh', ...launch.argv], launch.env, false);

  let stopping: Promise<void> | undefined;
  return {
    name: o.podName, ip: podIP, netns, logFile: proc.logFile, proc,
    logs: () => { try { return readFileSync(proc.logFile, 'utf8'); } catch { return ''; } },
    probe: (kind) => runProbe(container, kind, podIP),
    stop: (graceMs) => stopping ??= (async () => {
      await cluster.group.stopProc(proc, graceMs);
      await ip('link', 'del', veth).catch(() => undefined);
      await ip('netns', 'del', netns).catch(() => undefined);
    })(),
  };
}
