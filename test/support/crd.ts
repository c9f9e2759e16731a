import { CRD_FILE } from '../../src/api/v1alpha1/crd.js';
import type { TestCluster } from './cluster.js';
import { until } from './stacks.js';

/** Applies the committed CRD and waits until the apiserver serves it. */
export const installCrd = (cluster: TestCluster): Promise<void> => installCrdFile(cluster, CRD_FILE, 'metricsstacks.metricsstack.io');

/** Applies the CRD in `file` (named `name`) and waits until the apiserver serves it. */
export async function installCrdFile(cluster: TestCluster, file: string, name: string): Promise<void> {
  const apply = await cluster.kubectl(['apply', '--server-side', '-f', file]);
  if (apply.code !== 0) throw new Error(`CRD apply failed: ${apply.stderr}`);
  // `kubectl wait` fails outright ("status.conditions accessor error") if it reads the CRD before its first status
  // write, so poll the condition instead.
  await until(`the CRD ${name} to be Established`, async () => {
    const r = await cluster.kubectl(['get', 'crd', name, '-o', 'jsonpath={.status.conditions[?(@.type=="Established")].status}']);
    return r.stdout.trim() === 'True';
  }, 60_000);
}
