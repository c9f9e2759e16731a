import { request } from 'node:http';
import type { V1Container } from '@kubernetes/client-node';

export type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

/**
 * One run of a container's httpGet probe, as the kubelet makes it: GET http://<pod IP>:<port><path> with the probe's
 * headers and timeoutSeconds (default 1), the port by number or by the name of a containerPort. Resolves with the
 * HTTP status (the kubelet counts 200-399 as success); rejects when nothing answers. Other probe kinds are not emulated.
 */
export function runProbe(c: V1Container, kind: ProbeKind, podIP: string): Promise<number> {
  const p = c[kind];
  if (!p?.httpGet) return Promise.reject(new Error(`container ${c.name} has no httpGet ${kind}`));
  const g = p.httpGet;
  if ((g.scheme ?? 'HTTP') !== 'HTTP') return Promise.reject(new Error(`${kind}: scheme ${g.scheme} is not emulated`));
  const port = typeof g.port === 'number' || /^\d+$/.test(String(g.port)) ? Number(g.port)
    : c.ports?.find((cp) => cp.name === g.port)?.containerPort;
  if (port === undefined) return Promise.reject(new Error(`${kind}: container ${c.name} has no port named ${g.port}`));
  const headers = Object.fromEntries((g.httpHeaders ?? []).map((h) => [h.name, h.value]));
  return new Promise((resolve, reject) => {
    const req = request({ host: g.host ?? podIP, port, path: g.path ?? '/', headers, timeout: (p.timeoutSeconds ?? 1) * 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error(`${kind}: no answer within ${p.timeoutSeconds ?? 1} s`)));
    req.on('error', reject);
    req.end();
  });
}
