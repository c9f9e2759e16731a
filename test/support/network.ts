import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createConnection, createServer, type Socket } from 'node:net';
import { promisify } from 'node:util';
import type { ProcGroup } from './procs.js';

const run = promisify(execFile);

/**
 * The suite's test-host network (network mode of startCluster). One Linux bridge per cluster owns 10.0.0.0/16,
 * shaped like an EKS VPC: the "VPC router" 10.0.0.1 is the gateway, EC2/Fargate node InternalIPs (10.0.1.x-10.0.3.x)
 * are further addresses on the bridge, and kwok hands out pod IPs from 10.0.128.0/17. Pods that must really serve get
 * a network namespace with a veth into the bridge (pod-runner.ts). Nothing is routed or NATed beyond the bridge.
 */
export const NET_CIDR = '10.0.0.0/16';
export const NET_PREFIX = 16;
export const GATEWAY = '10.0.0.1';

export interface ClusterNetwork {
  id: string; bridge: string; gateway: string; prefix: number;
  /** Names for the next pod test host: its network namespace and the host end of its veth. */
  nextHost(): { netns: string; veth: string };
  /**
   * Makes a loopback listener (a Prometheus the test started, say) reachable from pods at gateway:port, through the
   * same kind of relay as the apiserver's. Returns that address; the relay closes with the cluster.
   */
  expose(port: number): Promise<string>;
}

export const ip = async (...args: string[]): Promise<string> => {
  try { return (await run('ip', args, { timeout: 10_000 })).stdout; } catch (err) {
    throw new Error(`ip ${args.join(' ')}: ${(err as { stderr?: string }).stderr?.trim() || String(err)}`);
  }
};

/** Shell that removes every network object of cluster `id`: pod namespaces (and their processes), veths, the bridge. */
const cleanupShell = (id: string) =>
  `for n in $(ip netns list 2>/dev/null | grep -o '^msns${id}p[0-9]*'); do ip netns pids "$n" | xargs -r kill -9; ` +
  `ip netns del "$n"; done 2>/dev/null; for l in $(ip -o link show 2>/dev/null | grep -o 'msve${id}p[0-9]*'); do ` +
  `ip link del "$l"; done 2>/dev/null; ip link del msbr${id} 2>/dev/null; true`;

const toInt = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
function overlaps(a: string, b: string): boolean {
  const [aa, al = '32'] = a.split('/');
  const [ba, bl = '32'] = b.split('/');
  const len = Math.min(Number(al), Number(bl));
  if (len === 0) return false; // a default route covers everything and is not a conflict
  const mask = len === 32 ? 0xffffffff : ~(0xffffffff >>> len) >>> 0;
  return ((toInt(aa!) & mask) >>> 0) === ((toInt(ba!) & mask) >>> 0);
}

/**
 * Creates the bridge, its addresses and the relays. Refuses to run if any route on the machine overlaps 10.0.0.0/16
 * (a real VPC, a VPN, another network-mode cluster): the suite must never shadow an address it does not own.
 * Bridges left by a cluster whose test process is gone (pid in the bridge's alias) are removed first.
 */
export async function createNetwork(group: ProcGroup, o: { nodeIPs: string[]; relays: { port: number; on: string[] }[] }):
  Promise<ClusterNetwork> {
  // Another live network-mode cluster (a concurrent test run on this machine) holds the subnet: wait our turn.
  const deadline = Date.now() + 15 * 60_000;
  let clash: { dst: string; dev?: string } | undefined;
  for (;;) {
    await sweepStale();
    const routes = JSON.parse(await ip('-j', '-4', 'route', 'show', 'table', 'all')) as { dst: string; dev?: string }[];
    clash = routes.find((r) => /^\d/.test(r.dst) && overlaps(r.dst, NET_CIDR));
    if (!clash?.dev?.startsWith('msbr') || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  if (clash) {
    throw new Error(`network mode needs ${NET_CIDR} for itself, but the route ${clash.dst} dev ${clash.dev} overlaps it ` +
      '(another network-mode test cluster, or a real network this machine uses)');
  }
  const id = randomBytes(2).toString('hex');
  const bridge = `msbr${id}`;
  group.addCleanup(cleanupShell(id));
  // No STP and no forwarding delay: a pod's veth forwards the moment it is attached.
  await ip('link', 'add', bridge, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0');
  await ip('link', 'set', bridge, 'alias', `metricsstack-test pid=${process.pid}`);
  await ip('addr', 'add', `${GATEWAY}/${NET_PREFIX}`, 'dev', bridge);
  for (const a of o.nodeIPs) await ip('addr', 'add', `${a}/32`, 'dev', bridge);
  await ip('link', 'set', bridge, 'up');
  const closers: (() => void)[] = [];
  group.addCleanup('true', () => { for (const close of closers) close(); });
  for (const r of o.relays) for (const host of r.on) closers.push(await relay(host, r.port));
  let n = 0;
  return { id, bridge, gateway: GATEWAY, prefix: NET_PREFIX,
    nextHost: () => { const i = n++; return { netns: `msns${id}p${i}`, veth: `msve${id}p${i}` }; },
    expose: async (port) => { closers.push(await relay(GATEWAY, port)); return `${GATEWAY}:${port}`; } };
}

/**
 * Listens on host:port (a suite-made address) and pipes each connection to 127.0.0.1:port. This is how pods reach
 * kube-apiserver (gateway) and kwok's kubelet server (each node IP): both take a single bind address, and binding
 * them to 0.0.0.0 would also expose them on the machine's real interfaces. TLS passes through untouched.
 */
function relay(host: string, port: number): Promise<() => void> {
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = createConnection({ host: '127.0.0.1', port });
    for (const s of [inbound, outbound]) { sockets.add(s); s.unref(); s.once('close', () => sockets.delete(s)); }
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
    inbound.pipe(outbound).pipe(inbound);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject).listen(port, host, () => {
      server.unref(); // a forgotten stop() must not keep the test worker alive
      resolve(() => { for (const s of sockets) s.destroy(); server.close(); });
    });
  });
}

/** Removes the network objects of clusters whose test process no longer exists (a crash the watchdog missed). */
async function sweepStale(): Promise<void> {
  const links = JSON.parse(await ip('-j', 'link', 'show', 'type', 'bridge')) as { ifname: string; ifalias?: string }[];
  for (const l of links) {
    const m = /^msbr([0-9a-f]{4})$/.exec(l.ifname);
    const pid = /metricsstack-test pid=(\d+)/.exec(l.ifalias ?? '')?.[1];
    if (!m || !pid || alive(Number(pid))) continue;
    console.log(`[network] removing ${l.ifname}, left by test process ${pid}`);
    await run('sh', ['-c', cleanupShell(m[1]!)]);
  }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
}
