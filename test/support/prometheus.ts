import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { TestCluster } from './cluster.js';
import { freePorts } from './ports.js';
import { waitFor, type Proc } from './procs.js';

export interface RunningPrometheus { port: number; url: string; proc: Proc; query(promql: string): Promise<unknown[]> }

/**
 * Debian's Prometheus (the testenv's bin/prometheus) on a free loopback port, with a fresh TSDB in the cluster's
 * folder, scraping `targets` every second. It runs in the cluster's process group, so every clean-up path stops it.
 */
export async function startPrometheus(cluster: TestCluster, targets: string[]): Promise<RunningPrometheus> {
  const [port] = (await freePorts(1)) as [number];
  const dir = join(cluster.dir, 'prometheus');
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify({
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    // honor_labels: the exporter's namespace and pod labels are the point; no target label may overwrite them.
    scrape_configs: [{ job_name: 'httpd', honor_labels: true, static_configs: [{ targets }] }],
  }));
  const proc = cluster.group.start('prometheus', join(cluster.binDir, 'prometheus'), [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitFor('Prometheus /-/ready', async () => (await fetch(`${url}/-/ready`)).ok, { timeoutMs: 30_000, watch: [proc], blame: proc });
  return {
    port, url, proc,
    async query(promql) {
      const body = await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`)).json() as { data?: { result?: unknown[] } };
      return body.data?.result ?? [];
    },
  };
}

/**
 * A small real exporter: `httpd_requests_total{namespace,pod}` for each Running pod of a Deployment, the way an
 * httpd behind a Service would count requests. The test sets the total request rate; it is spread evenly over the
 * pods that run at that moment, as a load balancer would, and each pod's counter grows by its share per second.
 */
export class RequestExporter {
  private server: Server | undefined;
  private readonly counters = new Map<string, number>();
  private last = Date.now();
  private pods: string[] = [];
  /** Requests per second, summed over all pods. */
  totalRate = 0;

  constructor(private readonly kc: KubeConfig, private readonly namespace: string, private readonly labelSelector: string) {}

  async start(): Promise<number> {
    const core = this.kc.makeApiClient(CoreV1Api);
    this.server = createServer((req, res) => {
      void (async () => {
        const list = await core.listNamespacedPod({ namespace: this.namespace, labelSelector: this.labelSelector });
        this.advance();
        this.pods = list.items.filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp).map((p) => p.metadata!.name!).sort();
        for (const p of this.pods) if (!this.counters.has(p)) this.counters.set(p, 0);
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(['# HELP httpd_requests_total Requests served.', '# TYPE httpd_requests_total counter',
          ...this.pods.map((p) => `httpd_requests_total{namespace="${this.namespace}",pod="${p}"} ${this.counters.get(p)!.toFixed(3)}`), ''].join('\n'));
      })().catch((err: unknown) => { res.writeHead(500); res.end(String(err)); });
    });
    const [port] = (await freePorts(1)) as [number];
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return port;
  }

  /** Adds each running pod's share of the requests since the last scrape. */
  private advance(): void {
    const now = Date.now();
    const share = this.pods.length > 0 ? (this.totalRate / this.pods.length) * ((now - this.last) / 1000) : 0;
    for (const p of this.pods) this.counters.set(p, (this.counters.get(p) ?? 0) + share);
    this.last = now;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
