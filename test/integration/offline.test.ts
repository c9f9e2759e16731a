import { execFile } from 'node:child_process';
import { createConnection } from 'node:net';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { OFF_MACHINE_PROBES, routesOffMachine } from '../support/offline.js';

const run = promisify(execFile);

/** Connects to host:port; resolves with the error code, or 'connected'. */
const dial = (host: string, port: number) => new Promise<string>((resolve) => {
  const s = createConnection({ host, port, timeout: 5_000 });
  s.once('connect', () => { s.destroy(); resolve('connected'); });
  s.once('timeout', () => { s.destroy(); resolve('timeout'); });
  s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
});

describe('the test processes have no way off the machine (hack/testenv/offline.sh)', () => {
  it('has no route to the simulated pod, node and service ranges, the private ranges or the internet', async () => {
    expect(await routesOffMachine()).toEqual([]);
    for (const address of OFF_MACHINE_PROBES) {
      const r = await run('ip', ['route', 'get', address]).then((o) => o.stdout, (err: { stderr?: string }) => err.stderr ?? '');
      expect(r, address).toMatch(/Network is unreachable/);
    }
  });

  it('fails a dial to a simulated pod IP at once with ENETUNREACH, in this process and in a child it starts', async () => {
    const t0 = Date.now();
    expect(await dial('10.0.128.1', 10251)).toBe('ENETUNREACH');
    expect(await dial('1.1.1.1', 443)).toBe('ENETUNREACH');
    expect(Date.now() - t0).toBeLessThan(1_000);
    const child = await run('bash', ['-c', 'exec 3<>/dev/tcp/10.96.0.1/443'])
      .then(() => 'connected', (err: { stderr?: string }) => err.stderr ?? '');
    expect(child).toMatch(/Network is unreachable/);
  });

  it('still reaches loopback', async () => {
    expect(await dial('127.0.0.1', 1)).toBe('ECONNREFUSED');
  });
});
