/**
 * The doctor's read of each HPA's scale target, kept between passes. A pass
 * comes on every change the operator watches and every 10 s while a metrics API is unproven; re-reading 1,000 targets
 * each time would be 100 reads/s for facts that rarely change. An HPA's reads are reused until the HPA's own verdict
 * inputs change (spec generation, conditions' status/reason: the HPA controller reports a fixed request or a created
 * target within its 15 s sync) or `ttlMs` passes — one read per HPA per resync in a quiet cluster. Cluster-wide facts
 * (APIServices, discovery) are still read every pass: they are few.
 */
import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { HpaFacts } from './facts.js';
import { hpaKey, verdictInputsKey } from './hpa-view.js';

export type HpaReadFacts = Pick<HpaFacts, 'target'>;

export class TargetMemo {
  readonly #entries = new Map<string, { inputs: string; at: number; facts: HpaReadFacts }>();

  constructor(private readonly ttlMs: number) {}

  /** The facts read for this HPA earlier, if its inputs are unchanged and they are younger than the TTL. */
  get(hpa: V2HorizontalPodAutoscaler, now: number): HpaReadFacts | undefined {
    const e = this.#entries.get(hpaKey(hpa));
    return e && e.inputs === verdictInputsKey(hpa) && now - e.at < this.ttlMs ? e.facts : undefined;
  }

  set(hpa: V2HorizontalPodAutoscaler, facts: HpaReadFacts, now: number): void {
    this.#entries.set(hpaKey(hpa), { inputs: verdictInputsKey(hpa), at: now, facts });
  }

  /** Forgets HPAs that no longer exist. */
  retain(hpas: readonly V2HorizontalPodAutoscaler[]): void {
    const live = new Set(hpas.map(hpaKey));
    for (const key of this.#entries.keys()) if (!live.has(key)) this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}
