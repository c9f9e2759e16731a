/**
 * metrics-server's requests when the spec leaves them unset: its README's guidance is about 1 mCPU and 2 MiB per node,
 * and the chart's defaults (100m, 200Mi) cover about 100 nodes, so each node beyond 100 adds 1m and 2Mi.
 */
import { parseQuantity } from '../../kube/quantity.js';
import type { MetricsServerResources } from '../../render/metrics-server/input.js';

export const BASE_NODES = 100;
export const BASE_REQUESTS = { cpu: 100, memoryMi: 200 } as const;
export const PER_NODE = { cpu: 1, memoryMi: 2 } as const;
/**
 * Nodes beyond the base are counted up to a multiple of this: requests are in the pod template, so every change rolls
 * metrics-server, and a cluster autoscaler adding or removing one node must not.
 */
export const NODE_STEP = 100;

/** The requests rendered, and one sentence on where they came from (status.metricsServer.resources.reason). */
export interface SizedResources {
  readonly resources: MetricsServerResources;
  readonly reason: string;
}

type Quantity = string | number | undefined;
const below = (a: string, b: Quantity): boolean => {
  const x = parseQuantity(a);
  const y = b === undefined ? undefined : parseQuantity(String(b));
  return x !== undefined && y !== undefined && x.num * y.den > y.num * x.den;
};

/** Requests the spec sets are kept; those it leaves unset follow the node count, never above the spec's limit. */
export function sizeMetricsServerResources(spec: MetricsServerResources, nodes: number): SizedResources {
  const extra = Math.ceil(Math.max(0, nodes - BASE_NODES) / NODE_STEP) * NODE_STEP;
  const sized = { cpu: `${BASE_REQUESTS.cpu + extra * PER_NODE.cpu}m`, memory: `${BASE_REQUESTS.memoryMi + extra * PER_NODE.memoryMi}Mi` };
  const set = spec.requests ?? {};
  const capped: string[] = [];
  const pick = (r: 'cpu' | 'memory'): Quantity => {
    if (set[r] !== undefined) return set[r];
    const limit = spec.limits?.[r];
    if (below(sized[r], limit)) {
      capped.push(`${r} at its limit ${limit}`);
      return limit;
    }
    return sized[r];
  };
  const requests = { cpu: pick('cpu'), memory: pick('memory') };
  const resources: MetricsServerResources = { ...spec, requests };
  const unset = (['cpu', 'memory'] as const).filter((r) => set[r] === undefined);
  if (unset.length === 0) return { resources, reason: 'spec.metricsServer.resources.requests sets both cpu and memory.' };
  const basis = extra === 0
    ? `the cluster has ${nodes} node${nodes === 1 ? '' : 's'}, within the ${BASE_NODES} the defaults (100m, 200Mi) cover`
    : `the cluster has ${nodes} nodes, beyond the ${BASE_NODES} the defaults (100m, 200Mi) cover: 1m CPU and 2Mi memory per node ` +
      `(metrics-server's sizing guidance) for ${extra} more, counted in steps of ${NODE_STEP} so that a node or two do not roll metrics-server`;
  const cap = capped.length > 0 ? `; capped: ${capped.join(', ')}` : '';
  const which = unset.map((r) => `${r} ${String(requests[r])}`).join(', ');
  return { resources, reason: `Requests not set in spec.metricsServer.resources.requests: ${which}, because ${basis}${cap}.` };
}
