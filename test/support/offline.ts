import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Addresses a test process must not be able to route to: the simulated pod, node and service ranges, the other
 * private ranges, and the internet. Loopback and the suite's own bridges (msbr*, network mode) are the only way out
 * allowed.
 */
export const OFF_MACHINE_PROBES = ['10.0.128.1', '10.0.1.23', '10.96.0.1', '172.16.0.1', '192.168.0.1', '1.1.1.1'];
const SUITE_DEVICES = /^(lo|msbr[0-9a-f]{4})$/;

export interface OffMachineRoute { readonly address: string; readonly dev: string; readonly via?: string }

/** Routes this process has to an off-machine address (empty when it is isolated as it must be). */
export async function routesOffMachine(): Promise<OffMachineRoute[]> {
  const found: OffMachineRoute[] = [];
  for (const address of OFF_MACHINE_PROBES) {
    let out: string;
    try { out = (await run('ip', ['-j', 'route', 'get', address], { timeout: 5_000 })).stdout; } catch { continue; } // unreachable
    const [r] = JSON.parse(out) as { dev?: string; gateway?: string; type?: string }[];
    if (!r || r.type === 'unreachable' || r.type === 'blackhole' || r.type === 'prohibit') continue;
    if (r.dev && SUITE_DEVICES.test(r.dev)) continue;
    found.push({ address, dev: r.dev ?? '?', ...(r.gateway ? { via: r.gateway } : {}) });
  }
  return found;
}

/**
 * Refuses to go on when this process could send a packet off the machine. `make test`, `make demo` and `make bench`
 * run everything under hack/testenv/offline.sh (a network namespace with loopback only); a test run by hand must too.
 */
export async function assertOffline(what: string): Promise<void> {
  const routes = await routesOffMachine();
  if (routes.length === 0) return;
  const seen = routes.map((r) => `${r.address} via ${r.via ?? 'link'} dev ${r.dev}`).join(', ');
  throw new Error(`${what} refuses to start: this process has a route off the machine (${seen}). ` +
    'Test processes may reach only loopback and the suite\'s own namespaces: run it under hack/testenv/offline.sh, ' +
    'e.g. hack/testenv/offline.sh npx vitest run <file> (make test, make demo and make bench do this themselves).');
}
