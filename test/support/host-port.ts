import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createConnection, createServer, type Socket } from 'node:net';

const repoRoot = join(import.meta.dirname, '../..');

/**
 * Under hack/testenv/offline.sh the demo's cluster lives in a network namespace of its own, so a kubectl in another
 * terminal cannot reach its 127.0.0.1. This opens one way in, never out: a Unix socket in the cluster's folder piped
 * to the loopback port here, and a relay in the machine's namespace (nsenter into the wrapper's) listening on the
 * machine's 127.0.0.1 — the same port when free there. Returns that port, or undefined when not under offline.sh.
 */
export async function shareWithMachine(port: number, dir: string): Promise<{ port: number; close(): void } | undefined> {
  const hostPid = process.env.METRICSSTACK_HOST_NETNS_PID;
  if (!hostPid) return undefined;
  const path = join(dir, `port-${port}.sock`);
  const sockets = new Set<Socket>();
  const inner = createServer((inbound) => {
    const outbound = createConnection({ host: '127.0.0.1', port });
    for (const s of [inbound, outbound]) { sockets.add(s); s.once('close', () => sockets.delete(s)); }
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve, reject) => inner.once('error', reject).listen(path, resolve));
  inner.unref();
  const relay = spawn('nsenter', ['-t', hostPid, '-n', '--', process.execPath, join(repoRoot, 'hack/testenv/host-relay.mjs'),
    path, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
  relay.unref();
  let out = '';
  relay.stdout.setEncoding('utf8').on('data', (c: string) => { out += c; });
  await Promise.race([
    new Promise<void>((resolve) => relay.stdout.on('data', () => { if (out.includes('\n')) resolve(); })),
    once(relay, 'exit').then(([code]) => { throw new Error(`host relay (nsenter) exited with ${String(code)}`); }),
  ]);
  const close = () => { relay.stdin.end(); relay.kill(); for (const s of sockets) s.destroy(); inner.close(); };
  return { port: Number(out.trim()), close };
}
