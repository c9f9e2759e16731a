import { CRD_FILE } from '../../src/api/v1alpha1/crd.js';
import type { TestCluster } from './cluster.js';

/** Applies the committed CRD and waits until the apiserver serves it. */
export async function installCrd(cluster: TestCluster): Promise<void> {
  const apply = await cluster.kubectl(['apply', '--server-side', '-f', CRD_FILE]);
  if (apply.code !== 0) throw new Error(`CRD apply failed: ${apply.stderr}`);
  const wait = await cluster.kubectl(['wait', '--for=condition=Established', '--timeout=60s', `crd/metricsstacks.metricsstack.io`]);
  if (wait.code !== 0) throw new Error(`CRD not Established: ${wait.stderr}`);
}
