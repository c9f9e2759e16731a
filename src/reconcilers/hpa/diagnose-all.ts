/**
 * Every HPA's verdict from one set of reads: the operator's doctor and `kubectl metricsstack doctor` both call this, so
 * the two cannot disagree on the same cluster. One read of each scale target; pods only where a check needs them.
 */
import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import PQueue from 'p-queue';
import type { HpaVerdict } from './causes.js';
import { customMetricNames, hpaCondition, hpaKey } from './hpa-view.js';
import { readApiServices, readClusterAutoscalerStatus, readCustomMetricNames, readPodFacts, readTarget, type HpaReads } from './observe.js';
import { diagnoseHpa } from './verdict.js';

/** Scale-target and pod reads in flight at once, per pass. */
const READS_IN_FLIGHT = 8;

export interface DiagnoseAllInput {
  readonly hpas: readonly V2HorizontalPodAutoscaler[];
  readonly reads: HpaReads;
  /** Fargate nodes that run a metrics-server pod. */
  readonly ownFargateNodes: readonly string[];
  /** Nodes metrics.k8s.io has no metrics for, and why (backends/node-coverage.ts missingNodeReasons); absent: none known. */
  readonly unreachable?: ReadonlyMap<string, string> | undefined;
  /** See HpaFacts.limitedAfterMs. */
  readonly limitedAfterMs?: number | undefined;
  readonly now: Date;
  /** An HPA whose facts could not be read is skipped, and reported here. */
  readonly skipped?: (hpa: string, err: unknown) => void;
}

export async function diagnoseAll(i: DiagnoseAllInput): Promise<HpaVerdict[]> {
  const hpas = [...i.hpas].sort((a, b) => hpaKey(a).localeCompare(hpaKey(b)));
  const apiServices = await readApiServices(i.reads);
  const metricsServer = { ownFargateNodes: i.ownFargateNodes, unreachable: i.unreachable ?? new Map<string, string>() };
  // Cluster-wide facts, read once per pass and only when some HPA needs them.
  const names = hpas.some((h) => customMetricNames(h).length > 0) ? await readCustomMetricNames(i.reads, apiServices.custom) : undefined;
  const atMax = hpas.some((h) => hpaCondition(h, 'ScalingLimited')?.reason === 'TooManyReplicas');
  const clusterAutoscalerStatus = atMax ? await readClusterAutoscalerStatus(i.reads) : undefined;
  // A few reads in flight: at 1,000 HPAs one after another would hold the pass (and its status write) for seconds.
  const queue = new PQueue({ concurrency: READS_IN_FLIGHT });
  const verdicts = await Promise.all(hpas.map((hpa) => queue.add(async (): Promise<HpaVerdict | undefined> => {
    try {
      const target = await readTarget(i.reads, hpa);
      const pods = await readPodFacts(i.reads, hpa, target);
      return diagnoseHpa({ hpa, target, apiServices, metricsServer, ...pods, customMetricNames: names, clusterAutoscalerStatus,
        limitedAfterMs: i.limitedAfterMs, now: i.now });
    } catch (err) {
      i.skipped?.(hpaKey(hpa), err);
      return undefined;
    }
  })));
  return verdicts.filter((v): v is HpaVerdict => v !== undefined);
}
