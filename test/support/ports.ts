import { createServer } from 'node:net';

/**
 * Free TCP ports on 127.0.0.1, chosen by the kernel (listen on port 0, read the port, close).
 * All servers are held open until every port is known, so one call never returns the same port twice.
 * A port can in theory be taken by someone else between close and the component's bind; components that
 * fail to bind show it in their log, which startCluster puts into its error.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => resolve(srv));
    })),
  );
  const ports = servers.map((s) => {
    const addr = s.address();
    if (addr === null || typeof addr === 'string') throw new Error('unexpected listen address');
    return addr.port;
  });
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}
