// The upstream metrics-server chart at the pinned version, and the real binary serving as the pod it creates.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import type { TestCluster } from './cluster.js';
import { runPod, type RunningPod } from './pod-runner.js';
import { until } from './stacks.js';

const versions = readFileSync(resolve(import.meta.dirname, '../../hack/testenv/versions.env'), 'utf8');
const MS_VERSION = /^METRICS_SERVER_VERSION=(\S+)$/m.exec(versions)![1]!;

/** The chart inside the sigs.k8s.io/metrics-server module, which build.sh's `go install` put in the module cache. */
export const chartDir = () => join(process.env.GOMODCACHE || execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim(),
  `sigs.k8s.io/metrics-server@${MS_VERSION}`, 'charts', 'metrics-server');

/** Waits for the chart's metrics-server pod in kube-system to be Running, then runs the real binary as it. */
export async function serveChartPod(cluster: TestCluster): Promise<RunningPod> {
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  let name = '';
  await until('the chart\'s metrics-server pod is Running', async () => {
    const pods = (await core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'app.kubernetes.io/name=metrics-server' })).items;
    name = pods.find((p) => p.status?.phase === 'Running' && p.status.podIP && !p.metadata?.deletionTimestamp)?.metadata?.name ?? '';
    return name !== '';
  }, 60_000);
  return runPod(cluster, { namespace: 'kube-system', podName: name, binary: join(cluster.binDir, 'metrics-server'), container: 'metrics-server' });
}
