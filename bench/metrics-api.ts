import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { runPod, type RunningPod } from '../test/support/pod-runner.js';
import { condition, stackApi } from '../test/support/stacks.js';
import type { BenchEnv } from './env.js';
import { progress, sleep } from './log.js';
import { METRIC_RESOLUTION_S } from './specs.js';
import { now } from './watch.js';

/**
 * Section 4: create the MetricsStack → `kubectl top nodes` answering with figures, on a network-mode cluster where the
 * real metrics-server binary runs each pod the operator deployed (the harness plays kubelet: it starts a pod's binary
 * as soon as kwok reports it Running, polling every 250 ms). Milestones are times since the create.
 */
export interface MetricsApiResult {
  resolutionS: number;
  firstPodRunningS: number; podsStartedS: number; topNodesS: number; readyS: number;
  topNodesLines: number;
}

export interface MetricsApiRun { result: MetricsApiResult; pods: RunningPod[] }

const TIMEOUT_MS = 240_000;

export async function runMetricsApi(env: BenchEnv, spec: { metricsServer: { replicas: number } }): Promise<MetricsApiRun> {
  const { cluster } = env;
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  const stacks = stackApi(cluster.kubeConfig);
  // metrics-server drops samples of exactly zero, and kwok reports zero for pods without simulated usage.
  await cluster.setClusterUsage('bench-baseline', { namespaces: ['kube-system', 'default'] }, { cpu: '5m', memory: '30Mi' });
  const started = new Map<string, Promise<RunningPod | undefined>>();
  const marks: Partial<Record<'firstPodRunning' | 'podsStarted' | 'topNodes' | 'ready', number>> = {};
  let lines = 0;
  const t0 = now();
  await stacks.create('default', spec);
  const since = () => (now() - t0) / 1000;
  while (marks.topNodes === undefined || marks.ready === undefined) {
    if (since() * 1000 > TIMEOUT_MS) throw new Error(`no working metrics API ${TIMEOUT_MS / 1000} s after the create (${JSON.stringify(marks)})`);
    const pods = (await core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=metrics-server' })).items
      .filter((p) => p.status?.phase === 'Running' && p.status.podIP && !p.metadata?.deletionTimestamp);
    if (pods.length > 0) marks.firstPodRunning ??= since();
    for (const p of pods) {
      const name = p.metadata!.name!;
      // A pod replaced by a rollout before its binary started is skipped, not fatal: its successor gets started.
      if (!started.has(name)) started.set(name, runPod(cluster, { namespace: 'kube-system', podName: name, binary: join(cluster.binDir, 'metrics-server') })
        .catch((err: Error) => { progress(`pod ${name} not started: ${err.message.split('\n')[0]}`); return undefined; }));
    }
    if (started.size >= spec.metricsServer.replicas && marks.podsStarted === undefined) {
      await Promise.all(started.values());
      marks.podsStarted = since();
    }
    if (marks.topNodes === undefined && started.size > 0) {
      const top = await cluster.kubectl(['top', 'nodes', '--no-headers']);
      lines = top.stdout.split('\n').filter((l) => /\s\d+m\s+\d+%\s+\d+Mi/.test(l)).length;
      if (top.code === 0 && lines > 0) {
        marks.topNodes = since();
        progress(`kubectl top nodes answered ${marks.topNodes.toFixed(1)} s after the create (${lines} nodes with figures)`);
      }
    }
    if (marks.ready === undefined && condition(await stacks.get('default'), 'Ready')?.status === 'True') marks.ready = since();
    await sleep(250);
  }
  const pods = (await Promise.all(started.values())).filter((p) => p !== undefined);
  return {
    pods,
    result: {
      resolutionS: METRIC_RESOLUTION_S, firstPodRunningS: marks.firstPodRunning ?? NaN, podsStartedS: marks.podsStarted ?? NaN,
      topNodesS: marks.topNodes ?? NaN, readyS: marks.ready ?? NaN, topNodesLines: lines,
    },
  };
}
