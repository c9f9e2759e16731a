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
    // Resolves once the response headers arrived: the watch is established before the first write.
    w.abort = await new Watch(kc).watch(`/apis/${GROUP}/${VERSION}/${PLURAL}`, { fieldSelector: `metadata.name=${name}` },
      (_phase, obj: MetricsStack) => w.onEvent(obj), (err: unknown) => w.onDone(err));
    return w;
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
    this.failed ??= new Error(`watch of ${this.name} ended: ${err instanceof Error ? err.message : String(err ?? 'closed')}`);
    for (const w of this.waiters.splice(0)) w.reject(this.failed);
  }
}
