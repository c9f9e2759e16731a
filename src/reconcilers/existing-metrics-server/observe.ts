/**
 * Reads what serves metrics.k8s.io today: the APIService's Service, the Deployment whose pods it selects, and those
 * pods' nodes. Reads only (uncached, one pass at a time): nothing here writes.
 */
import type { V1APIService, V1Deployment, V1Pod, V1Service } from '@kubernetes/client-node';

/** The reads this needs, as plain functions over the API. */
export interface ExistingReads {
  readonly readService: (namespace: string, name: string) => Promise<V1Service | undefined>;
  readonly listDeployments: (namespace: string) => Promise<readonly V1Deployment[]>;
  readonly listPods: (namespace: string, labelSelector: string) => Promise<readonly V1Pod[]>;
}

/** What was found behind the APIService. */
export interface ExistingObjects {
  readonly service?: V1Service;
  readonly deployment?: V1Deployment;
  /** Node names the deployment's pods are scheduled on. */
  readonly podNodes: readonly string[];
  /** A read that failed (e.g. Deployments in a namespace outside --managed-namespaces: no RBAC there). */
  readonly readError?: string;
}

const selects = (selector: Record<string, string>, labels: Record<string, string> | undefined): boolean =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** The Service the APIService routes to, the Deployment whose pod template it selects, and where its pods run. */
export async function observeExisting(apiService: V1APIService | undefined, r: ExistingReads): Promise<ExistingObjects> {
  const ref = apiService?.spec?.service;
  if (!ref?.name || !ref.namespace) return { podNodes: [] };
  const service = await r.readService(ref.namespace, ref.name);
  const selector = service?.spec?.selector ?? {};
  let deployments: readonly V1Deployment[];
  try {
    deployments = await r.listDeployments(ref.namespace);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const readError = `could not list Deployments in ${ref.namespace} (${why.slice(0, 200)}); the operator reads them only in --managed-namespaces`;
    return { ...(service && { service }), podNodes: [], readError };
  }
  const deployment = deployments.find((d) => selects(selector, d.spec?.template?.metadata?.labels));
  if (!deployment) return { ...(service && { service }), podNodes: [] };
  const labelSelector = Object.entries(deployment.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  const pods = labelSelector ? await r.listPods(ref.namespace, labelSelector) : [];
  const podNodes = [...new Set(pods.flatMap((p) => (p.spec?.nodeName ? [p.spec.nodeName] : [])))];
  return { ...(service && { service }), deployment, podNodes };
}
