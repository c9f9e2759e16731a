import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { API_VERSION, GROUP, KIND, PLURAL, VERSION, type MetricsStack } from '../../src/api/v1alpha1/types.js';
import { waitFor } from './procs.js';

const ref = { group: GROUP, version: VERSION, plural: PLURAL };

/** MetricsStack CRUD for tests, through the real API. */
export function stackApi(kc: KubeConfig) {
  const custom = kc.makeApiClient(CustomObjectsApi);
  return {
    get: (name: string) => custom.getClusterCustomObject({ ...ref, name }) as Promise<MetricsStack>,
    create: (name: string, spec: unknown) => custom.createClusterCustomObject({ ...ref, body: { apiVersion: API_VERSION, kind: KIND, metadata: { name }, spec } }),
    /** JSON-patch `add` of one spec field, e.g. ('/spec/metricsServer/replicas', 1). */
    patchSpec: (name: string, path: string, value: unknown) => custom.patchClusterCustomObject({ ...ref, name, body: [{ op: 'add', path, value }] }),
    delete: (name: string) => custom.deleteClusterCustomObject({ ...ref, name }),
    exists: (name: string) => custom.getClusterCustomObject({ ...ref, name }).then(() => true, () => false),
  };
}

export const condition = (s: MetricsStack, type: string) => s.status?.conditions?.find((c) => c.type === type);

/** Polls until `check` holds, failing with `what` after the timeout. */
export const until = (what: string, check: () => Promise<boolean>, timeoutMs = 30_000) =>
  waitFor(what, check, { timeoutMs, watch: [], intervalMs: 250 });
