/**
 * Real requests to the aggregated metrics APIs: proof that an API answers, beyond its APIService's Available
 * condition. The backends' pure decisions read what these return. Also the apiserver's own discovery document, whose
 * issuer identifies this cluster in AWS.
 */
import type { V1APIResourceList } from '@kubernetes/client-node';
import type { KubeClient } from './client.js';
import { apiMessage, statusCodeOf } from './errors.js';

/** What a real list of node metrics returned: a count, or the apiserver's error. */
export type NodeMetricsProbe = { readonly items: number; readonly nodes?: readonly string[] } | { readonly error: string; readonly code?: number };

/** What listing an API group version's resources returned (the discovery document the HPA controller also reads). */
export type DiscoveryProbe = { readonly resources: readonly string[] } | { readonly error: string; readonly code?: number };

/** A real list of node metrics: proof that metrics.k8s.io answers. */
export async function listNodeMetrics(client: KubeClient): Promise<NodeMetricsProbe> {
  try {
    const list = await client.request<{ items?: { metadata?: { name?: string } }[] }>('GET', '/apis/metrics.k8s.io/v1beta1/nodes');
    const items = list.items ?? [];
    return { items: items.length, nodes: items.map((i) => i.metadata?.name ?? '') };
  } catch (err) {
    return failed(err);
  }
}

/** A real discovery request (what the HPA controller reads first): proof that a custom or external metrics API answers. */
export async function listAPIResources(client: KubeClient, group: string, version: string): Promise<DiscoveryProbe> {
  try {
    const list = await client.request<V1APIResourceList>('GET', `/apis/${group}/${version}`);
    return { resources: list.resources.map((r) => r.name) };
  } catch (err) {
    return failed(err);
  }
}

/** Where the apiserver publishes its service-account issuer (OIDC discovery). */
export const ISSUER_DISCOVERY_PATH = '/.well-known/openid-configuration';

/**
 * The service-account issuer this apiserver publishes (service-account issuer discovery): on EKS, the cluster's OIDC
 * issuer. Only the `issuer` field is taken, and only when it looks like a URL, so nothing else of the answer travels.
 */
export async function readServiceAccountIssuer(client: Pick<KubeClient, 'request'>): Promise<string> {
  const doc = await client.request<{ issuer?: unknown } | undefined>('GET', ISSUER_DISCOVERY_PATH);
  const issuer = doc?.issuer;
  if (typeof issuer !== 'string' || !/^https?:\/\/[^\s]{1,500}$/.test(issuer)) throw new Error('the discovery document names no issuer URL');
  return issuer;
}

function failed(err: unknown): { readonly error: string; readonly code?: number } {
  const code = statusCodeOf(err);
  return { error: apiMessage(err), ...(code ? { code } : {}) };
}
