import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import type { TestCluster } from '../test/support/cluster.js';
import { median } from './stats.js';

/**
 * One request's round trip to this apiserver, as the operator sees it: its token, a kept-alive TLS connection, from
 * this machine. A read (GET a Namespace) and a write (merge-patch of a scratch ConfigMap, which goes through etcd);
 * median of `samples` after a few warm-up requests.
 */
export interface Rtt { getMs: number; writeMs: number; samples: number }

export async function measureRtt(cluster: TestCluster, token: string, namespace: string, samples = 30): Promise<Rtt> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: readFileSync(cluster.caFile) });
  const url = new URL(cluster.server);
  const call = (method: string, path: string, body?: object, contentType = 'application/json') =>
    new Promise<number>((resolve, reject) => {
      const data = body ? JSON.stringify(body) : undefined;
      const start = performance.now();
      const req = request({
        host: url.hostname, port: url.port, method, path, agent,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(data ? { 'content-type': contentType } : {}) },
      }, (res) => {
        res.resume().on('end', () => {
          const ms = performance.now() - start;
          if ((res.statusCode ?? 500) >= 300) reject(new Error(`${method} ${path}: HTTP ${res.statusCode}`));
          else resolve(ms);
        });
      });
      req.on('error', reject).end(data);
    });
  try {
    const cm = `/api/v1/namespaces/${namespace}/configmaps`;
    await call('POST', cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bench-rtt' }, data: { n: '0' } });
    const get: number[] = [];
    const write: number[] = [];
    for (let i = 0; i < samples + 5; i++) {
      const g = await call('GET', `/api/v1/namespaces/${namespace}`);
      const w = await call('PATCH', `${cm}/bench-rtt`, { data: { n: String(i) } }, 'application/merge-patch+json');
      if (i >= 5) { get.push(g); write.push(w); }
    }
    await call('DELETE', `${cm}/bench-rtt`);
    return { getMs: median(get), writeMs: median(write), samples };
  } finally {
    agent.destroy();
  }
}
