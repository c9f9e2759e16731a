/**
 * The HPA doctor in the operator: each pass, a verdict per HPA (pure, verdict.ts) from facts read on demand, surfaced
 * as status.workloadAutoscaling, one Warning Event per HPA and distinct cause, and a gauge per HPA and cause. It sets
 * no condition: per-HPA health is the workloads' owners' business and must never turn Ready False (keda #7928).
 */
import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { ObjectCache, ObservingReconciler, StackContext } from '../stack/context.js';
import type { EventSink } from '../stack/metricsstack.js';
import type { HpaVerdict } from './causes.js';
import { diagnoseAll } from './diagnose-all.js';
import { expectedServices } from './expected-services.js';
import type { HpaReads } from './observe.js';
import { specRuleNames } from './spec-rules.js';
import { summarizeVerdicts } from './summary.js';
import { TargetMemo } from './target-memo.js';

/** Where the gauge goes: the operator's metrics registry. */
export interface FindingGauge {
  reset(): void;
  set(labels: { namespace: string; hpa: string; cause: string }, value: number): void;
}

export interface HpaDoctorDeps {
  readonly hpas: ObjectCache<V2HorizontalPodAutoscaler>;
  readonly reads: HpaReads;
  /** Fargate nodes that run one of our metrics-server pods. */
  readonly ownFargateNodes: () => readonly string[];
  /** --hpa-limited-after: at maxReplicas with Pending pods this long is ScaleOutBlockedPendingPods (default 10 min). */
  readonly limitedAfterMs?: number | undefined;
  readonly events: EventSink;
  readonly gauge: FindingGauge;
  /** How long a scale target's read is reused while its HPA's inputs do not change: the resync period. */
  readonly targetTtlMs: number;
}

export class HpaDoctor implements ObservingReconciler {
  readonly name = 'hpa-doctor';
  readonly owns = 'nothing';
  /** The nodes the metrics-server backends' verify found without metrics (optional: unset when no backend verified). */
  readonly reads = ['unscrapedNodes'] as const;
  /** `uid/cause` of every Event written, so each distinct cause is reported once, not every pass. */
  readonly #reported = new Set<string>();

  readonly #memo: TargetMemo;

  /** The gauge's series as last written (`namespace/hpa/cause` lines): unchanged findings are not written again. */
  #gauged = '';

  constructor(private readonly d: HpaDoctorDeps) {
    this.#memo = new TargetMemo(d.targetTtlMs);
  }

  async reconcile(ctx: StackContext): Promise<{ requeueAfterMs?: number }> {
    const hpas = this.d.hpas.list();
    const verdicts = await diagnoseAll({
      hpas, reads: this.d.reads, ownFargateNodes: this.d.ownFargateNodes(), now: ctx.now,
      specRules: specRuleNames(ctx.spec.prometheusAdapter?.rules), memo: this.#memo,
      expectedServices: expectedServices(ctx.spec, ctx.placement?.namespace),
      unreachable: ctx.unscrapedNodes, limitedAfterMs: this.d.limitedAfterMs,
      // One unreadable target must not hide every other verdict.
      skipped: (hpa, err) => ctx.log.warn({ err, hpa }, 'could not gather facts for an HPA; skipping it this pass'),
    });
    ctx.status.workloadAutoscaling = summarizeVerdicts(verdicts);
    this.#gauge(verdicts);
    await this.#events(hpas, verdicts);
    return {};
  }

  #gauge(verdicts: readonly HpaVerdict[]): void {
    // Reset and set again only when the findings changed: at 1,000 HPAs, writing every series every pass (prom-client
    // hashes each one's labels) was a good part of a quiet pass.
    const series = verdicts.flatMap((v) => v.findings.map((f) => `${v.namespace}/${v.name}/${f.cause}`)).join('\n');
    if (series === this.#gauged) return;
    this.#gauged = series;
    this.d.gauge.reset();
    for (const v of verdicts) for (const f of v.findings) this.d.gauge.set({ namespace: v.namespace, hpa: v.name, cause: f.cause }, 1);
  }

  async #events(hpas: readonly V2HorizontalPodAutoscaler[], verdicts: readonly HpaVerdict[]): Promise<void> {
    const live = new Set<string>();
    // By name, not a search per verdict: at 1,000 HPAs that search was a third of a pass (bench/hpa-pass.ts).
    const byName = new Map(hpas.map((h) => [`${h.metadata?.namespace ?? ''}/${h.metadata?.name ?? ''}`, h]));
    for (const v of verdicts) {
      const hpa = byName.get(`${v.namespace}/${v.name}`);
      const uid = hpa?.metadata?.uid ?? `${v.namespace}/${v.name}`;
      for (const f of v.findings) {
        const key = `${uid}/${f.cause}`;
        live.add(key);
        if (this.#reported.has(key) || !hpa) continue;
        this.#reported.add(key);
        await this.d.events.event({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: hpa.metadata ?? {} }, 'Warning', f.cause,
          `${f.message}. Fix: ${f.fix}`);
      }
    }
    // A cause that went away may be reported again if it comes back; a deleted HPA is forgotten.
    for (const key of this.#reported) if (!live.has(key)) this.#reported.delete(key);
  }
}
