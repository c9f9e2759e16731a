import { Agent, request, type RequestOptions } from 'node:https';
import type { TestCluster } from '../test/support/cluster.js';

/**
 * Raw HTTPS to the apiserver as the admin, on a pool of kept-alive connections: creating 5,000 nodes and 50,000 pods
 * through the generated client costs more CPU in this process than in the apiserver, on a machine that has 2 cores.
 */
export class Bulk {
  private constructor(private readonly server: URL, private readonly agent: Agent) {}

  static async connect(cluster: TestCluster, sockets: number): Promise<Bulk> {
    const opts: RequestOptions = {};
    await cluster.kubeConfig.applyToHTTPSOptions(opts);
    const agent = new Agent({ keepAlive: true, maxSockets: sockets, ca: opts.ca, cert: opts.cert, key: opts.key });
    return new Bulk(new URL(cluster.server), agent);
  }

  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
    const data = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request({
        host: this.server.hostname, port: this.server.port, method, path, agent: this.agent,
        headers: { accept: 'application/json', ...(data ? { 'content-type': 'application/json' } : {}) },
      }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => { text += c; }).on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject).end(data);
    });
  }

  async getJson<T>(path: string): Promise<T> {
    const r = await this.call('GET', path);
    if (r.status !== 200) throw new Error(`GET ${path}: HTTP ${r.status}: ${r.body.slice(0, 200)}`);
    return JSON.parse(r.body) as T;
  }

  /**
   * POSTs every item, `concurrency` at a time. AlreadyExists counts as created (a retried request that had landed);
   * 429 and 5xx are retried after a pause, anything else fails the whole run with the apiserver's message.
   */
  async createAll(items: readonly { path: string; body: unknown }[], concurrency: number): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const item = items[next++]!;
        for (let attempt = 1; ; attempt++) {
          const r = await this.call('POST', item.path, item.body).catch((err: Error) => ({ status: 0, body: err.message }));
          if (r.status === 201 || r.status === 200 || r.status === 409) break;
          if ((r.status === 0 || r.status === 429 || r.status >= 500) && attempt < 10) {
            await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
            continue;
          }
          throw new Error(`POST ${item.path}: HTTP ${r.status}: ${r.body.slice(0, 300)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  }

  close(): void {
    this.agent.destroy();
  }
}
