/**
 * The CPU one Kubernetes-sized request costs through undici's fetch() and through its request() (what KubeClient
 * uses), on loopback, client and server in this process (so both figures include the same server share). A Lease
 * PUT's body and answer, as leader election sends every 2 s. Not part of `make bench`; run it with the image's flags:
 *
 *   node --max-semi-space-size=1 --optimize-for-size --max-opt=1 --experimental-transform-types --no-warnings \
 *     scripts/run-ts.mjs bench/request-cost.ts            (BENCH_REQUESTS=2000)
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, fetch } from 'undici';
import { out } from './log.js';

const lease = JSON.stringify({
  kind: 'Lease', apiVersion: 'coordination.k8s.io/v1', metadata: { name: 'metricsstack-operator', namespace: 'metricsstack-system', resourceVersion: '123' },
  spec: { holderIdentity: 'metricsstack-operator-5d9c7b6f4-x2x9q', leaseDurationSeconds: 15, renewTime: new Date().toISOString() },
});
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.setHeader('content-type', 'application/json').end(lease));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const path = '/apis/coordination.k8s.io/v1/namespaces/metricsstack-system/leases/metricsstack-operator';
const headers = { accept: 'application/json', 'content-type': 'application/json' };
const agent = new Agent();
const n = Number(process.env.BENCH_REQUESTS ?? 2000);

const ways: Record<string, () => Promise<unknown>> = {
  fetch: async () => JSON.parse(await (await fetch(origin + path, { method: 'PUT', headers, body: lease, signal: AbortSignal.timeout(30_000), dispatcher: agent })).text()),
  request: async () => JSON.parse(await (await agent.request({ origin, path, method: 'PUT', headers, body: lease, signal: AbortSignal.timeout(30_000) })).body.text()),
};
for (const round of [1, 2]) {
  for (const [name, call] of Object.entries(ways)) {
    for (let i = 0; i < 200; i++) await call(); // warm-up
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await call();
    const cpu = process.cpuUsage(cpu0);
    out(`round ${round} ${name.padEnd(7)} CPU ${((cpu.user + cpu.system) / n / 1000).toFixed(3)} ms per request, wall ${((performance.now() - t0) / n).toFixed(3)} ms (${n} requests)`);
  }
}
server.close();
await agent.close();
