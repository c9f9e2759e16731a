// The upstream metrics-server chart at the pinned version, and the real binary serving as the pod it creates.
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import type { TestCluster } from './cluster.js';
import { runPod, type RunningPod } from './pod-runner.js';
import { until } from './stacks.js';
import { upstreamChartDir } from './upstream-metrics-server.js';

/** The chart inside the sigs.k8s.io/metrics-server module, which build.sh's `go install` put in the module cache. */
export const chartDir = upstreamChartDir;

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
