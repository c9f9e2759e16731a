import { join } from 'node:path';
import { podKubelet } from '../test/support/pod-kubelet.js';
import type { RunningPod } from '../test/support/pod-runner.js';
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
  const stacks = stackApi(cluster.kubeConfig);
  // metrics-server drops samples of exactly zero, and kwok reports zero for pods without simulated usage.
  await cluster.setClusterUsage('bench-baseline', { namespaces: ['kube-system', 'default'] }, { cpu: '5m', memory: '30Mi' });
  // A pod replaced by a rollout before its binary started is skipped, not fatal: its successor gets started.
  const kubelet = podKubelet(cluster, { namespace: 'kube-system', labelSelector: 'k8s-app=metrics-server', binary: join(cluster.binDir, 'metrics-server'),
    onSkip: (name, err) => progress(`pod ${name} not started: ${err.message.split('\n')[0]}`) });
  const marks: Partial<Record<'firstPodRunning' | 'podsStarted' | 'topNodes' | 'ready', number>> = {};
  let lines = 0;
  const t0 = now();
  await stacks.create('default', spec);
  const since = () => (now() - t0) / 1000;
  while (marks.topNodes === undefined || marks.ready === undefined) {
    if (since() * 1000 > TIMEOUT_MS) throw new Error(`no working metrics API ${TIMEOUT_MS / 1000} s after the create (${JSON.stringify(marks)})`);
    if (await kubelet.sync() > 0) marks.firstPodRunning ??= since();
    if (kubelet.attempted >= spec.metricsServer.replicas && marks.podsStarted === undefined) {
      await kubelet.settled();
      marks.podsStarted = since();
    }
    if (marks.topNodes === undefined && kubelet.attempted > 0) {
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
  const pods = await kubelet.settled();
  return {
    pods,
    result: {
      resolutionS: METRIC_RESOLUTION_S, firstPodRunningS: marks.firstPodRunning ?? NaN, podsStartedS: marks.podsStarted ?? NaN,
      topNodesS: marks.topNodes ?? NaN, readyS: marks.ready ?? NaN, topNodesLines: lines,
    },
  };
}
