import { CoreV1Api } from '@kubernetes/client-node';
import type { TestCluster } from './cluster.js';
import { runPod, type RunningPod } from './pod-runner.js';

export interface PodKubeletOptions {
  namespace: string; labelSelector: string;
  /** The real binary every pod's container runs as (pod-runner.ts), with exactly the args its pod spec has. */
  binary: string;
  /** A pod that could not be started (e.g. replaced by a rollout first): reported, not fatal. */
  onSkip?: (pod: string, err: Error) => void;
}

export interface PodKubelet {
  /** Lists the selector's pods and starts the binary for each one that kwok reports Running and was not started yet. Returns the Running pods' count. */
  sync(): Promise<number>;
  /** Pods whose start was attempted so far. */
  readonly attempted: number;
  /** Waits for every attempted start; the pods that run. */
  settled(): Promise<RunningPod[]>;
  /** Stops every pod started. */
  stop(): Promise<void>;
}

/**
 * Plays the kubelet for every pod of one selector, whoever created them (the operator, a Helm release, `kubectl apply`):
 * polled, it starts each pod once as soon as kwok reports it Running with an IP, as a node's kubelet would.
 */
export function podKubelet(cluster: TestCluster, o: PodKubeletOptions): PodKubelet {
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  const started = new Map<string, Promise<RunningPod | undefined>>();
  const settled = async () => (await Promise.all(started.values())).filter((p) => p !== undefined);
  return {
    async sync() {
      const pods = (await core.listNamespacedPod({ namespace: o.namespace, labelSelector: o.labelSelector })).items
        .filter((p) => p.status?.phase === 'Running' && p.status.podIP && !p.metadata?.deletionTimestamp);
      for (const p of pods) {
        const name = p.metadata!.name!;
        if (!started.has(name)) started.set(name, runPod(cluster, { namespace: o.namespace, podName: name, binary: o.binary })
          .catch((err: Error) => { o.onSkip?.(name, err); return undefined; }));
      }
      return pods.length;
    },
    get attempted() { return started.size; },
    settled,
    async stop() { await Promise.all((await settled()).map((p) => p.stop())); },
  };
}
