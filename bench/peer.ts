import { join } from 'node:path';
import { ApiregistrationV1Api, AutoscalingV2Api, CoreV1Api } from '@kubernetes/client-node';
import type { TestCluster } from '../test/support/cluster.js';
import { isFargate } from '../test/support/kwok-nodes.js';
import { podKubelet } from '../test/support/pod-kubelet.js';
import { until } from '../test/support/stacks.js';
import { createCpuHpa, createScaledWorkload, hpaState } from '../test/support/workload.js';
import { startBenchEnv } from './env.js';
import { progress, sleep } from './log.js';
import { installers, type Installer, type PeerCaseId } from './peer-installers.js';
import { now } from './watch.js';

/**
 * Section 5: side by side with what users install instead. On one network-mode EKS-shaped cluster (2 EC2 + 3 Fargate
 * kwok nodes; kwok serves every kubelet with one certificate for 127.0.0.1, signed by the cluster CA) each installer
 * in turn, from its install command: the real metrics-server binary runs each pod it created with exactly the args
 * it rendered (the harness plays kubelet, test/support/pod-kubelet.ts), and the clock stops when `kubectl top nodes`
 * shows figures for both EC2 nodes and when an HPA on CPU (created before the install, as a user's existing one)
 * shows a current value. While `kubectl top nodes` does not answer, what each place a user would look says is
 * recorded: the installer's status, the APIService, `kubectl top` itself, the HPA. Then the installer's own uninstall,
 * and the next one on the same cluster.
 */
export interface PeerCase {
  id: PeerCaseId; label: string; steps: string[];
  /** The metrics-server container's argv after the binary, from the pod spec: what ran. */
  args: string[];
  pods: number; timeoutS: number;
  /** Seconds from the install command to the first metrics-server binary started (its pod Running), and to each milestone; null: not within timeoutS. */
  binaryStartedS: number | null; topNodesS: number | null; hpaS: number | null;
  /** The installer's own status at the end (working or not). */
  finalStatus: string;
  /** Distinct lines each place said while it did not work, with when each was first seen. */
  whileBroken: { source: string; text: string; atS: number }[];
  /** metrics-server's own first error line (its log), for a case that never worked: where the cause shows. */
  logCause?: string;
}

export interface PeerRepetition { cases: PeerCase[] }

const WEB = 'web';
const MS_NS = 'kube-system';
const MAX_LINES_PER_SOURCE = 6;

export async function runPeer(timeoutMs: number, rep: number): Promise<PeerRepetition> {
  const env = await startBenchEnv({ preset: 'eks-mixed', name: 'bench-peer', network: true });
  try {
    const { cluster } = env;
    const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    // metrics-server drops samples of exactly zero, and kwok reports zero for pods without simulated usage.
    await cluster.setClusterUsage('bench-peer-baseline', { namespaces: [MS_NS] }, { cpu: '5m', memory: '30Mi' });
    await cluster.setClusterUsage('bench-peer-web', { namespaces: [WEB] }, { cpu: '250m', memory: '100Mi' });
    await core.createNamespace({ body: { metadata: { name: WEB } } });
    // One web pod per EC2 node (Fargate's taint keeps them off Fargate): kwok's node figures are the sum of its pods'.
    await createScaledWorkload(cluster.kubeConfig, { ...HPA, cpuRequest: '500m', onePerNode: true });
    await deleteHpa(cluster);
    await until('the web pods Running', async () =>
      (await core.listNamespacedPod({ namespace: WEB })).items.filter((p) => p.status?.phase === 'Running').length === HPA.min, 60_000);
    const ec2 = (await core.listNode()).items.filter((n) => !isFargate(n)).map((n) => n.metadata!.name!);
    const cases: PeerCase[] = [];
    for (const inst of installers(env, rep)) cases.push(await runCase(cluster, inst, ec2, timeoutMs));
    return { cases };
  } finally {
    await env.stop();
  }
}

/** The user's HPA: 250m of 500m requested is 50 %, under its 80 % target, so it never scales during a case. */
const HPA = { namespace: WEB, name: 'web', min: 2, max: 4, averageUtilization: 80 };

const deleteHpa = (cluster: TestCluster) =>
  cluster.kubeConfig.makeApiClient(AutoscalingV2Api).deleteNamespacedHorizontalPodAutoscaler({ namespace: WEB, name: HPA.name });

/** `kubectl top nodes --no-headers` has a row with figures for every one of `nodes`. */
export function topShows(stdout: string, nodes: string[]): boolean {
  const rows = stdout.split('\n').map((l) => l.trim().split(/\s+/));
  return nodes.every((n) => rows.some(([name, cpu, , mem]) => name === n && /^\d+m$/.test(cpu ?? '') && /^\d+Mi$/.test(mem ?? '')));
}

async function apiServiceLine(cluster: TestCluster): Promise<string> {
  try {
    const a = await cluster.kubeConfig.makeApiClient(ApiregistrationV1Api).readAPIService({ name: 'v1beta1.metrics.k8s.io' });
    const c = a.status?.conditions?.find((x) => x.type === 'Available');
    return c ? `Available=${c.status} ${c.reason ?? ''}${c.message ? `: ${c.message}` : ''}` : 'no Available condition yet';
  } catch {
    return 'absent';
  }
}

const firstLine = (s: string) => s.trim().split('\n')[0] ?? '';
const installerStatus = (inst: Installer) =>
  inst.status().catch((err: unknown) => `error: ${firstLine(err instanceof Error ? err.message : String(err))}`);

async function runCase(cluster: TestCluster, inst: Installer, ec2: string[], timeoutMs: number): Promise<PeerCase> {
  progress(`peer: ${inst.label}`);
  await inst.prepare?.();
  await createCpuHpa(cluster.kubeConfig, HPA);
  const kubelet = podKubelet(cluster, { namespace: MS_NS, labelSelector: inst.podSelector, binary: join(cluster.binDir, 'metrics-server'),
    onSkip: (name, err) => progress(`pod ${name} not started: ${firstLine(err.message)}`) });
  const whileBroken: PeerCase['whileBroken'] = [];
  const t0 = now();
  const since = () => (now() - t0) / 1000;
  // Lines that differ only in numbers ("rolled out 4 s ago") are one line.
  const shape = (t: string) => t.replace(/\d+/g, '#');
  const note = (source: string, text: string) => {
    const same = whileBroken.filter((w) => w.source === source);
    if (text && same.length < MAX_LINES_PER_SOURCE && !same.some((w) => shape(w.text) === shape(text))) whileBroken.push({ source, text, atS: since() });
  };
  const marks: { binaryStarted?: number; topNodes?: number; hpa?: number } = {};
  let failed = false;
  const done = () => failed || (marks.topNodes !== undefined && marks.hpa !== undefined) || since() * 1000 >= timeoutMs;
  /** Runs `fn` every `ms` until done(): kubelet, checks and status reads each in their own loop, so none waits on another. */
  const loop = async (ms: number, fn: () => Promise<void>) => { while (!done()) { await fn(); await sleep(ms); } };
  try {
    // The clock runs from the install command: what a user waits for includes it (helm, the operator's start).
    await Promise.all([
      inst.install().catch((err: unknown) => { failed = true; throw err; }),
      loop(250, async () => {
        if (await kubelet.sync() > 0 && marks.binaryStarted === undefined) { await kubelet.settled(); marks.binaryStarted = since(); }
      }),
      loop(500, async () => {
        if (marks.topNodes === undefined) {
          const top = await cluster.kubectl(['top', 'nodes', '--no-headers']);
          if (top.code === 0 && topShows(top.stdout, ec2)) marks.topNodes = since();
          else note('`kubectl top nodes`', firstLine(top.stderr) || `exit ${top.code}, no figures for ${ec2.join(', ')}`);
        }
        if (marks.hpa === undefined) {
          const h = await hpaState(cluster.kubeConfig, WEB, HPA.name);
          if (h.utilization !== undefined) marks.hpa = since();
          else note('HPA ScalingActive', h.scalingActive ?? 'no condition yet');
        }
      }),
      loop(2_000, async () => {
        if (marks.topNodes !== undefined) return;
        note(inst.id === 'metricsstack' ? 'MetricsStack' : 'installer', await installerStatus(inst));
        note('APIService v1beta1.metrics.k8s.io', await apiServiceLine(cluster));
      }),
    ]);
    const pods = (await cluster.kubeConfig.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: MS_NS, labelSelector: inst.podSelector })).items;
    const c = pods[0]?.spec?.containers[0];
    const running = await kubelet.settled();
    const topNodesS = marks.topNodes ?? null;
    const hpaS = marks.hpa ?? null;
    const logCause = topNodesS === null
      ? running.map((p) => p.logs().split('\n').find((l) => /^E\d{4} /.test(l))).find((l) => l !== undefined)?.replace(/^E\d{4} [\d:.]+\s+\d+ \S+\] /, '')
      : undefined;
    const finalStatus = await installerStatus(inst);
    progress(`peer: ${inst.id}: metrics-server started ${marks.binaryStarted?.toFixed(1) ?? 'never'} s, kubectl top nodes ${topNodesS?.toFixed(1) ?? 'never'} s, ` +
      `HPA value ${hpaS?.toFixed(1) ?? 'never'} s${logCause ? `; metrics-server logs: ${logCause}` : ''}`);
    return {
      id: inst.id, label: inst.label, steps: inst.steps, args: [...(c?.command ?? []).slice(1), ...(c?.args ?? [])], pods: running.length,
      timeoutS: timeoutMs / 1000, binaryStartedS: marks.binaryStarted ?? null, topNodesS, hpaS, whileBroken, finalStatus, ...(logCause ? { logCause } : {}),
    };
  } finally {
    await kubelet.stop();
    await deleteHpa(cluster);
    await inst.uninstall();
    await until(`${inst.id} uninstalled (no pods ${inst.podSelector}, no APIService)`, async () =>
      (await cluster.kubeConfig.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: MS_NS, labelSelector: inst.podSelector })).items.length === 0 &&
      await apiServiceLine(cluster) === 'absent', 120_000);
  }
}
