import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestCluster } from './cluster.js';

/** The chart in this repository, as a user installs it. */
export const CHART = fileURLToPath(new URL('../../charts/metricsstack-operator', import.meta.url));

/**
 * The pinned helm (and kubectl) against a test cluster, with Helm's cache, config and data folders in the cluster's
 * folder so that nothing of a developer's ~/.config/helm is read. Rejects with stderr on a non-zero exit.
 */
export function clusterTool(cluster: TestCluster, bin: 'helm' | 'kubectl') {
  const env = { ...process.env, KUBECONFIG: cluster.kubeconfigPath, HELM_CACHE_HOME: join(cluster.dir, 'helm', 'cache'),
    HELM_CONFIG_HOME: join(cluster.dir, 'helm', 'config'), HELM_DATA_HOME: join(cluster.dir, 'helm', 'data') };
  return (...args: string[]) => new Promise<string>((done, fail) => execFile(join(cluster.binDir, bin), args, { env, maxBuffer: 16 << 20, timeout: 120_000 },
    (err, stdout, stderr) => (err ? fail(new Error(`${bin} ${args.join(' ')}: ${stderr || err.message}`)) : done(stdout))));
}
