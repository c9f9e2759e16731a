/**
 * Is a replacement Fargate profile safe to hand over to? It must (a) not select metrics-server's pods, which is what
 * the replacement is for, and (b) still select everything else its original selects: deleting the original deletes
 * its pods, and a workload no profile selects any more comes back on EC2 or not at all. Fargate selectors cannot
 * exclude, so an original selector that selects metrics-server is judged by the pods that run now; every other one
 * must be covered whole by one selector of the replacement, for the pods that will run later too.
 */
import type { FargateProfile, FargateSelector } from '../../../cloud/aws/ports.js';
import { byOrdinal } from '../../../ordinal.js';
import { wildcardCovers } from '../../aws/wildcard.js';
import { describeProfiles, describeSelector } from '../decision.js';
import { selectorSelectsPod, type PodPlacementKey } from '../profile-match.js';

/** A pod that exists now, with every label it carries. */
export interface LivePod {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** What the replacements are checked against. */
export interface CoverageFacts {
  /** metrics-server's pods as this stack renders them. */
  readonly metricsServer: PodPlacementKey;
  /** metrics-server's pods that exist now: a wildcard selector may match a label only they carry (pod-template-hash). */
  readonly metricsServerPods: readonly LivePod[];
  /** Every other pod that exists now in a namespace an original selects. */
  readonly otherPods: readonly LivePod[];
}

/** Why a replacement is refused: its condition reason and a message naming what it gets wrong. */
export interface CoverageRefusal {
  readonly reason: 'ReplacementSelectsMetricsServer' | 'ReplacementUncovered';
  readonly message: string;
}

type Profile = Pick<FargateProfile, 'name' | 'selectors'>;

/** Pure: undefined when `replacement` may take over from `original`, else the first thing it gets wrong. */
export function checkReplacement(original: Profile, replacement: Profile, f: CoverageFacts): CoverageRefusal | undefined {
  const kept = `${original.name} is kept.`;
  const selectsMetricsServer = (s: FargateSelector): boolean =>
    selectorSelectsPod(s, f.metricsServer) || f.metricsServerPods.some((p) => selectorSelectsPod(s, p));
  const hit = replacement.selectors.find(selectsMetricsServer);
  if (hit) {
    const pod = f.metricsServerPods.find((p) => selectorSelectsPod(hit, p));
    return {
      reason: 'ReplacementSelectsMetricsServer',
      message: `Fargate profile ${describeProfiles([replacement])} would still select metrics-server's pods ` +
        `(${pod ? describePod(pod) : `as rendered in namespace ${f.metricsServer.namespace}`}), so replacing ${original.name} with it ` +
        `would not keep metrics-server off Fargate. Choose selectors that metrics-server's labels do not match; ${kept}`,
    };
  }
  const drops = `Replacing ${original.name} with ${replacement.name} would leave workloads without a Fargate profile:`;
  const dropped = original.selectors.find((s) => !selectsMetricsServer(s) && !replacement.selectors.some((r) => selectorCovers(r, s)));
  if (dropped) {
    return {
      reason: 'ReplacementUncovered',
      message: `${drops} the ${original.name} selector (${describeSelector(dropped)}) is not covered by ${replacement.name}, so the pods ` +
        `it selects lose their profile when ${original.name} is deleted. Keep that selector, or a wider one, in ` +
        `fargate.recreateProfile.profiles[].selectors; ${kept}`,
    };
  }
  const selectedBy = (p: Profile) => (pod: LivePod): boolean => p.selectors.some((s) => selectorSelectsPod(s, pod));
  const lost = f.otherPods.filter((pod) => selectedBy(original)(pod) && !selectedBy(replacement)(pod));
  if (lost.length === 0) return undefined;
  const more = lost.length > 1 ? ` and ${lost.length - 1} more` : '';
  return {
    reason: 'ReplacementUncovered',
    message: `${drops} ${replacement.name} would not select ${describePod(lost[0]!)}${more}, which ${original.name} selects, so ` +
      `once ${original.name} is deleted ${lost.length > 1 ? 'they lose their' : 'it loses its'} profile. Add selectors for ` +
      `${lost.length > 1 ? 'them' : 'it'} to fargate.recreateProfile.profiles[].selectors; ${kept}`,
  };
}

/** Every pod `inner` selects, `outer` selects too: its namespace covers inner's and each of its labels covers one of inner's. */
function selectorCovers(outer: FargateSelector, inner: FargateSelector): boolean {
  if (!wildcardCovers(outer.namespace, inner.namespace)) return false;
  const innerLabels = Object.entries(inner.labels ?? {});
  return Object.entries(outer.labels ?? {}).every(([key, value]) =>
    innerLabels.some(([k, v]) => wildcardCovers(key, k) && wildcardCovers(value, v)));
}

/** `pod kube-system/coredns-1 (k8s-app=kube-dns)`. */
function describePod(p: LivePod): string {
  const labels = Object.entries(p.labels).sort(([a], [b]) => byOrdinal(a, b)).map(([k, v]) => `${k}=${v}`);
  return `pod ${p.namespace}/${p.name} (${labels.length > 0 ? labels.join(', ') : 'no labels'})`;
}
