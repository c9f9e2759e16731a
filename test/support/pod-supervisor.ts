import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import type { TestCluster } from './cluster.js';
import { runPod, type RunningPod, type RunPodOptions } from './pod-runner.js';
import { sleep } from './procs.js';

/** What each pod runs: runPod's options without the pod's name. */
export type PodTemplate = Omit<RunPodOptions, 'namespace' | 'podName'>;

/** One thing the supervisor did, for assertions and post-mortems. */
export interface PodEvent { readonly at: number; readonly pod: string; readonly event: 'started' | 'stopped' }

/**
 * Held on each pod whose process runs. kwok deletes a pod the moment it is marked for deletion, where a kubelet
 * leaves it Terminating until its containers exited; without the pod, its bound ServiceAccount token stops working
 * at once, and a stopping operator could not even hand its Lease over.
 */
export const RUNNING_FINALIZER = 'test.metricsstack.io/container-running';

/**
 * The kubelet's loop for the pods a label selector matches, for as long as it runs: a pod that kwok made Running
 * gets a real process (runPod), and a pod marked for deletion has its process stopped with SIGTERM, then SIGKILL
 * after the pod's terminationGracePeriodSeconds, and only then goes. A process that exits is not restarted: a
 * restarted container keeps its pod's name, and so the Lease, which would hide a failover (as a node failure would not).
 */
export class PodSupervisor {
  readonly events: PodEvent[] = [];
  readonly #pods = new Map<string, Promise<RunningPod>>();
  readonly #ending = new Set<Promise<void>>();
  readonly #core: CoreV1Api;
  #stopped = false;
  #loop: Promise<void> | undefined;
  #error: unknown;

  constructor(private readonly cluster: TestCluster, private readonly o: { namespace: string; labelSelector: string; run: PodTemplate }) {
    this.#core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  }

  start(): this {
    this.#loop ??= this.#run();
    return this;
  }

  /** The pods whose process has started and not been stopped. Throws what the loop met, if it failed. */
  async running(): Promise<RunningPod[]> {
    if (this.#error) throw this.#error;
    return (await Promise.all([...this.#pods.values()].map((p) => p.catch(() => undefined)))).filter((p) => p !== undefined);
  }

  /** When the supervisor saw the pod's process end (stopped by it, or found dead), if it did. */
  stoppedAt(pod: string): number | undefined {
    return this.events.find((e) => e.pod === pod && e.event === 'stopped')?.at;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
    for (const name of [...this.#pods.keys()]) this.#end(name, 5_000);
    await Promise.all(this.#ending);
  }

  async #run(): Promise<void> {
    const { namespace, labelSelector } = this.o;
    while (!this.#stopped) {
      try {
        const pods = (await this.#core.listNamespacedPod({ namespace, labelSelector })).items;
        for (const name of this.#pods.keys()) {
          const pod = pods.find((p) => p.metadata?.name === name);
          if (!pod || pod.metadata?.deletionTimestamp) this.#end(name, (pod?.spec?.terminationGracePeriodSeconds ?? 30) * 1000);
        }
        for (const pod of pods) {
          const name = pod.metadata!.name!;
          if (this.#pods.has(name) || pod.metadata?.deletionTimestamp || pod.status?.phase !== 'Running' || !pod.status.podIP) continue;
          if (this.events.some((e) => e.pod === name)) continue; // ran once already: no restarts
          const running = this.#launch(pod);
          running.catch((err: unknown) => { this.#error ??= err; }); // running() throws it
          this.#pods.set(name, running);
        }
        for (const p of await this.running()) if (p.proc.exited && !this.stoppedAt(p.name)) this.events.push({ at: Date.now(), pod: p.name, event: 'stopped' });
      } catch (err) {
        this.#error = err;
        return;
      }
      await sleep(300);
    }
  }

  async #launch(pod: V1Pod): Promise<RunningPod> {
    await this.#finalizer(pod.metadata!.name!, 'add');
    const running = await runPod(this.cluster, { ...this.o.run, namespace: this.o.namespace, podName: pod.metadata!.name! });
    this.events.push({ at: Date.now(), pod: running.name, event: 'started' });
    return running;
  }

  #end(name: string, graceMs: number): void {
    const started = this.#pods.get(name)!;
    this.#pods.delete(name);
    const ending = (async () => {
      const pod = await started.catch(() => undefined);
      await pod?.stop(graceMs);
      if (pod && !this.stoppedAt(name)) this.events.push({ at: Date.now(), pod: name, event: 'stopped' });
      await this.#finalizer(name, 'remove');
    })();
    const tracked = ending.catch((err: unknown) => { this.#error ??= err; }).finally(() => this.#ending.delete(tracked));
    this.#ending.add(tracked);
  }

  /** Adds or removes {@link RUNNING_FINALIZER} with kubectl's merge patch, keeping any other finalizer. */
  async #finalizer(name: string, op: 'add' | 'remove'): Promise<void> {
    const { namespace } = this.o;
    const pod = await this.#core.readNamespacedPod({ namespace, name }).catch(() => undefined);
    if (!pod) return;
    const others = (pod.metadata?.finalizers ?? []).filter((f) => f !== RUNNING_FINALIZER);
    const finalizers = op === 'add' ? [...others, RUNNING_FINALIZER] : others;
    const r = await this.cluster.kubectl(['patch', 'pod', name, '-n', namespace, '--type=merge', '-p', JSON.stringify({ metadata: { finalizers } })]);
    if (r.code !== 0 && !/NotFound/.test(r.stderr)) throw new Error(`finalizer ${op} on ${namespace}/${name}: ${r.stderr}`);
  }
}
