/**
 * Every HPA's verdict from one set of reads: the operator's doctor and `kubectl metricsstack doctor` both call this, so
 * the two cannot disagree on the same cluster. One read of each scale target; pods only where a check needs them.
 */
import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { HpaVerdict } from './causes.js';
import type { ApiServiceFacts, MetricsApi, SpecRuleNames } from './facts.js';
import type { ExpectedServices } from './expected-services.js';
import { customMetricNames, hpaCondition, hpaKey, neededApis } from './hpa-view.js';
import { needsPodFacts, readApiServices, readClusterAutoscalerStatus, readCustomMetricNames, readPodFacts, readTarget, type HpaReads } from './observe.js';
import type { TargetMemo } from './target-memo.js';
import { diagnoseHpa } from './verdict.js';

/** Scale-target and pod reads in flight at once, per pass. */
const READS_IN_FLIGHT = 8;

export interface DiagnoseAllInput {
  readonly hpas: readonly V2HorizontalPodAutoscaler[];
  readonly reads: HpaReads;
  /** Fargate nodes that run a metrics-server pod. */
  readonly ownFargateNodes: readonly string[];
  /** The Service each metrics API should point at, from the MetricsStack spec (expected-services.ts). */
  readonly expectedServices?: ExpectedServices | undefined;
  /** Nodes metrics.k8s.io has no metrics for, and why (backends/node-coverage.ts missingNodeReasons); absent: none known. */
  readonly unreachable?: ReadonlyMap<string, string> | undefined;
  /** See HpaFacts.limitedAfterMs. */
  readonly limitedAfterMs?: number | undefined;
  readonly now: Date;
  /** What the MetricsStack's adapter rules name (the operator knows its spec; the plugin reads the MetricsStack). */
  readonly specRules?: SpecRuleNames | undefined;
  /** Per-HPA reads kept between passes (the operator); absent: every HPA is read (the plugin's one run). */
  readonly memo?: TargetMemo | undefined;
  /** An HPA whose facts could not be read is skipped, and reported here. */
  readonly skipped?: (hpa: string, err: unknown) => void;
}

export async function diagnoseAll(i: DiagnoseAllInput): Promise<HpaVerdict[]> {
  const hpas = [...i.hpas].sort((a, b) => hpaKey(a).localeCompare(hpaKey(b)));
  if (hpas.length === 0) return [];
  // Only the APIs some HPA needs; an HPA's verdict looks at no other (api-checks.ts).
  const apis = [...new Set(hpas.flatMap(neededApis))];
  const apiServices: Partial<Record<MetricsApi, ApiServiceFacts | undefined>> = await readApiServices(i.reads, apis);
  const metricsServer = { ownFargateNodes: i.ownFargateNodes, unreachable: i.unreachable ?? new Map<string, string>() };
  // Cluster-wide facts, read once per pass and only when some HPA needs them.
  const names = hpas.some((h) => customMetricNames(h).length > 0) ? await readCustomMetricNames(i.reads, apiServices.custom) : undefined;
  const atMax = hpas.some((h) => hpaCondition(h, 'ScalingLimited')?.reason === 'TooManyReplicas');
  const clusterAutoscalerStatus = atMax ? await readClusterAutoscalerStatus(i.reads) : undefined;
  const one = async (hpa: V2HorizontalPodAutoscaler): Promise<HpaVerdict | undefined> => {
    try {
      const now = i.now.getTime();
      const memo = i.memo?.get(hpa, now);
      const target = memo ? memo.target : await readTarget(i.reads, hpa);
      if (!memo) i.memo?.set(hpa, { target }, now);
      // Pods are read only for an HPA that reports missing pod metrics or sits at maxReplicas: few, and they move.
      const pods = needsPodFacts(hpa, target) ? await readPodFacts(i.reads, hpa, target) : {};
      return diagnoseHpa({
        hpa, target, apiServices, expectedServices: i.expectedServices, metricsServer, ...pods, customMetricNames: names, specRules: i.specRules,
        clusterAutoscalerStatus, limitedAfterMs: i.limitedAfterMs, now: i.now,
      });
    } catch (err) {
      i.skipped?.(hpaKey(hpa), err);
      return undefined;
    }
  };
  // A few reads in flight: at 1,000 HPAs one after another would hold the pass (and its status write) for seconds.
  // A plain pool of workers over the list, not a task queue: a quiet pass (every target memoized) is 1,000 verdicts,
  // and a queue's per-task promise and event cost was half of such a pass (bench/hpa-pass.ts).
  const verdicts = new Array<HpaVerdict | undefined>(hpas.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < hpas.length) {
      const k = next++;
      verdicts[k] = await one(hpas[k]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, hpas.length) }, worker));
  i.memo?.retain(hpas);
  return verdicts.filter((v): v is HpaVerdict => v !== undefined);
}
