import { afterEach, describe, expect, it } from 'vitest';
import { HealthServer } from '../../../src/controllers/health.js';
import { createLogger } from '../../../src/controllers/logging.js';
import { OperatorMetrics } from '../../../src/controllers/metrics.js';

const logger = createLogger({ level: 'silent' });
let server: HealthServer | undefined;
afterEach(async () => server?.close());

async function start(ready?: () => boolean) {
  const metrics = new OperatorMetrics({ defaultMetrics: false });
  server = new HealthServer({ port: 0, host: '127.0.0.1', registry: metrics.registry, logger });
  if (ready) server.readyWhen(ready);
  const { port } = await server.listen();
  const get = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
  };
  return { metrics, get };
}

describe('HealthServer', () => {
  it.each([
    { name: 'answers /healthz while the process runs', path: '/healthz', ready: false, status: 200 },
    { name: 'answers /readyz 503 until ready', path: '/readyz', ready: false, status: 503 },
    { name: 'answers /readyz 200 when ready', path: '/readyz', ready: true, status: 200 },
    { name: 'answers 404 for anything else', path: '/debug', ready: true, status: 404 },
  ])('$name', async ({ path, ready, status }) => {
    const { get } = await start(() => ready);
    expect((await get(path)).status).toBe(status);
  });

  it('answers /readyz 503 when no readiness check was set', async () => {
    const { get } = await start();
    expect((await get('/readyz')).status).toBe(503);
  });

  it('serves the operator metrics from its own registry on /metrics', async () => {
    const { get, metrics } = await start(() => true);
    metrics.reconcileObserver('metricsstack').observe('error', 0.2);
    metrics.queueObserver('metricsstack').retry();
    metrics.setLeader(true);
    const { status, body, type } = await get('/metrics');
    expect(status).toBe(200);
    expect(type).toContain('text/plain');
    expect(body).toContain('metricsstack_reconcile_total{controller="metricsstack",result="error"} 1');
    expect(body).toContain('metricsstack_reconcile_total{controller="metricsstack",result="success"} 0');
    expect(body).toContain('metricsstack_reconcile_errors_total{controller="metricsstack"} 1');
    expect(body).toContain('metricsstack_reconcile_duration_seconds_bucket{le="0.25",controller="metricsstack"} 1');
    expect(body).toContain('metricsstack_workqueue_retries_total{controller="metricsstack"} 1');
    expect(body).toContain('metricsstack_workqueue_depth{controller="metricsstack"} 0');
    expect(body).toContain('metricsstack_leader 1');
  });

  it('adds the process metrics when asked', async () => {
    const metrics = new OperatorMetrics();
    expect(await metrics.registry.metrics()).toContain('process_resident_memory_bytes');
  });

  it('closes, and closing twice is harmless', async () => {
    await start(() => true);
    await server?.close();
    await server?.close();
  });
});
