// The informer suite's world and its stallable relay (faults*.test.ts); the control-plane faults themselves are in faults.ts.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { startCluster, type StartOptions, type TestCluster } from './cluster.js';
import { installCrd } from './crd.js';
import { OperatorRunner } from './operator.js';
import { stackApi } from './stacks.js';

/**
 * Faults made by really killing a process or really stalling a connection, never by mocking a client: the helpers
 * of the fault suite (test/integration/faults-*.test.ts).
 */

/** One fault-suite file's world: a test cluster with the CRD installed, an operator runner, and one stop() for all. */
export interface FaultWorld {
  readonly cluster: TestCluster;
  readonly runner: OperatorRunner;
  readonly stacks: ReturnType<typeof stackApi>;
  stop(): Promise<void>;
}

/** Starts a {@link FaultWorld}; `scratch` (the caller's, made first when the apiserver needs a file from it) goes with it. */
export async function startFaultWorld(scratch: string, options: StartOptions): Promise<FaultWorld> {
  const runner = new OperatorRunner();
  let cluster: TestCluster | undefined;
  const stop = async (): Promise<void> => {
    await runner.stop();
    await cluster?.stop();
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    cluster = await startCluster(options);
    await installCrd(cluster);
    return { cluster, runner, stacks: stackApi(cluster.kubeConfig), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A TCP relay in front of the apiserver; see {@link stallableRelay}. */
export interface StallableRelay {
  /** `https://127.0.0.1:<port>`: the apiserver's serving certificate covers 127.0.0.1 on any port. */
  readonly server: string;
  /** Connections accepted so far. */
  connections(): number;
  /**
   * From now on the connections already open carry no byte either way, yet stay open (no FIN, no RST): a NAT or
   * load balancer that lost the flow. Connections opened afterwards are relayed normally.
   */
  stall(): void;
  close(): void;
}

/** Listens on a free loopback port and pipes each connection to 127.0.0.1:`port`; TLS passes through untouched. */
export async function stallableRelay(port: number): Promise<StallableRelay> {
  const open = new Map<Socket, Socket>();
  const stalled = new Set<Socket>();
  let accepted = 0;
  const server = createServer((inbound) => {
    accepted++;
    const outbound = createConnection({ host: '127.0.0.1', port });
    open.set(inbound, outbound);
    const drop = (): void => { inbound.destroy(); outbound.destroy(); open.delete(inbound); stalled.delete(inbound); };
    for (const s of [inbound, outbound]) s.on('error', drop).on('close', drop);
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  return {
    server: `https://127.0.0.1:${(server.address() as { port: number }).port}`,
    connections: () => accepted,
    stall: () => {
      for (const [inbound, outbound] of open) {
        if (stalled.has(inbound)) continue;
        stalled.add(inbound);
        inbound.unpipe(outbound);
        outbound.unpipe(inbound);
        inbound.pause();
        outbound.pause();
      }
    },
    close: () => {
      server.close();
      for (const [inbound, outbound] of open) { inbound.destroy(); outbound.destroy(); }
    },
  };
}

/** A copy of the admin kubeconfig at `path` that talks to `server` (a relay) instead. */
export function kubeconfigVia(cluster: TestCluster, server: string, path: string): string {
  const config = JSON.parse(readFileSync(cluster.kubeconfigPath, 'utf8')) as { clusters: { cluster: { server: string } }[] };
  for (const c of config.clusters) c.cluster.server = server;
  writeFileSync(path, JSON.stringify(config, null, 1));
  return path;
}
