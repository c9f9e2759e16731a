import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A counting HTTP relay on loopback in front of moto: the operator's AWS_ENDPOINT_URL points here, so every AWS
 * request it sends is counted on the wire, independently of the SDK middleware counter it exports itself
 * (metricsstack_aws_calls_total). Keyed `service:Action` (Query APIs) or `service:METHOD /path` (EKS's REST API).
 */
export interface AwsProxy {
  endpoint: string;
  total(): number;
  /** Epoch ms of the first request, if any: when the operator first filled its AWS caches. */
  firstAt(): number | undefined;
  counts(): Record<string, number>;
  close(): Promise<void>;
}

export async function startAwsProxy(target: string): Promise<AwsProxy> {
  const upstream = new URL(target);
  const counts = new Map<string, number>();
  let first: number | undefined;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
      const body = Buffer.concat(chunks);
      const key = classify(req, body.toString('utf8'));
      counts.set(key, (counts.get(key) ?? 0) + 1);
      first ??= Date.now();
      const up = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', (err) => { res.writeHead(502); res.end(String(err)); });
      up.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    firstAt: () => first,
    counts: () => Object.fromEntries([...counts].sort()),
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function classify(req: IncomingMessage, body: string): string {
  const auth = String(req.headers.authorization ?? '');
  const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(auth)?.[1] ?? 'unknown';
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body)?.[1] ?? /[?&]Action=([A-Za-z]+)/.exec(req.url ?? '')?.[1];
  if (action) return `${service}:${action}`;
  // EKS: /clusters/<name>/fargate-profiles/<name>… → keep the shape, not the names.
  const path = (req.url ?? '').split('?')[0]!.split('/').map((seg, i) => (i >= 2 && i % 2 === 0 && seg ? '*' : seg)).join('/');
  return `${service}:${req.method} ${path}`;
}
