import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION, type MetricsStack } from '../src/api/v1alpha1/types.js';

/** Epoch milliseconds with sub-millisecond resolution, comparable with the audit log's timestamps. */
export const now = (): number => performance.timeOrigin + performance.now();

/**
 * Watches one MetricsStack and notes when each status.observedGeneration was first seen: the moment the operator's
 * status write reached a watcher, without polling.
 */
export class GenerationWatch {
  private readonly firstSeen = new Map<number, number>();
  private readonly waiters: { gen: number; resolve: (t: number) => void; reject: (e: Error) => void }[] = [];
  private abort?: AbortController;
  private failed?: Error;

  private constructor(private readonly kc: KubeConfig, private readonly name: string) {}

  static async start(kc: KubeConfig, name: string): Promise<GenerationWatch> {
    const w = new GenerationWatch(kc, name);
    await w.connect();
    return w;
  }

  /** Watches that ended and were re-opened; an event in the gap is seen late (as the re-list), never lost. */
  restarts = 0;

  /**
   * Resolves once the response headers arrived, so the watch is established before the first write. Retried: right
   * after the CRD is established the apiserver answers 429 "storage is (re)initializing" until its watch cache is up.
   */
  private async connect(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      let connected = false;
      let failure: unknown;
      // watch() does not throw on an error status: it calls `done` before it returns. After it returned, `done` means
      // the established watch ended (server timeout, inactivity): re-open it.
      const abort = await new Watch(this.kc).watch(`/apis/${GROUP}/${VERSION}/${PLURAL}`, { fieldSelector: `metadata.name=${this.name}` },
        (_phase, obj: MetricsStack) => this.onEvent(obj), (err: unknown) => { if (connected) this.onDone(err); else failure = err ?? new Error('closed'); });
      if (failure === undefined) {
        connected = true;
        this.abort = abort;
        return;
      }
      if (attempt >= 10) throw failure;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }

  /** When status.observedGeneration first reached at least `gen` (epoch ms). */
  observed(gen: number, timeoutMs = 120_000): Promise<number> {
    const hit = this.earliest(gen);
    if (hit !== undefined) return Promise.resolve(hit);
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: observedGeneration ${gen} not seen in ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ gen, resolve: (t) => { clearTimeout(timer); resolve(t); }, reject: (e) => { clearTimeout(timer); reject(e); } });
    });
  }

  stop(): void {
    this.failed ??= new Error('watch stopped');
    this.abort?.abort();
  }

  private earliest(gen: number): number | undefined {
    let best: number | undefined;
    for (const [g, t] of this.firstSeen) if (g >= gen && (best === undefined || t < best)) best = t;
    return best;
  }

  private onEvent(obj: MetricsStack): void {
    const t = now();
    const g = obj.status?.observedGeneration;
    if (typeof g !== 'number' || this.firstSeen.has(g)) return;
    this.firstSeen.set(g, t);
    for (const w of [...this.waiters]) {
      if (g < w.gen) continue;
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(t);
    }
  }

  private onDone(err: unknown): void {
    if (this.failed) return; // stopped
    this.restarts++;
    setTimeout(() => this.connect().catch((e: unknown) => {
      this.failed = new Error(`watch of ${this.name} ended (${String(err)}) and could not be re-opened: ${e instanceof Error ? e.message : String(e)}`);
      for (const w of this.waiters.splice(0)) w.reject(this.failed);
    }), 200);
  }
}
