/**
 * What Cluster Autoscaler says about scaling up, quoted from its kube-system/cluster-autoscaler-status ConfigMap
 * (`data.status`) for ScaleOutBlockedPendingPods. Since 1.30 CA writes it as YAML (clusterstate/utils/status.go:
 * autoscalerStatus, clusterWide.scaleUp, nodeGroups[].health.{cloudProviderTarget,minSize,maxSize}, scaleUp.backoffInfo);
 * before, as indented text ("ScaleUp: NoActivity ...", "maxSize=3"). Pure; bounded length at any number of node groups.
 */
import { parse } from 'yaml';

const MAX_GROUPS = 3;
const MAX_TEXT = 400;

interface CaNodeGroup {
  name?: string;
  health?: { status?: string; cloudProviderTarget?: number; minSize?: number; maxSize?: number };
  scaleUp?: { status?: string; backoffInfo?: { errorCode?: string; errorMessage?: string } };
}
interface CaStatus {
  autoscalerStatus?: string;
  clusterWide?: { scaleUp?: { status?: string } };
  nodeGroups?: CaNodeGroup[];
}

/** The scale-up part of CA's status in its own words, node groups at maxSize or backing off first. */
export function describeCaStatus(status: string): string {
  const yaml = parseYaml(status);
  const text = yaml ? describeYaml(yaml) : legacyLine(status);
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

function parseYaml(status: string): CaStatus | undefined {
  try {
    const doc: unknown = parse(status);
    return doc && typeof doc === 'object' && ('nodeGroups' in doc || 'clusterWide' in doc) ? doc as CaStatus : undefined;
  } catch {
    return undefined;
  }
}

const stuck = (g: CaNodeGroup): boolean =>
  g.scaleUp?.status === 'Backoff' || (g.health?.maxSize !== undefined && g.health.cloudProviderTarget === g.health.maxSize);

function describeYaml(s: CaStatus): string {
  const groups = [...(s.nodeGroups ?? [])].sort((a, b) => Number(stuck(b)) - Number(stuck(a)));
  const named = groups.slice(0, MAX_GROUPS).map((g) => {
    const h = g.health ?? {};
    const size = h.maxSize === undefined ? '' : ` cloudProviderTarget=${h.cloudProviderTarget ?? '?'} (minSize=${h.minSize ?? '?'}, maxSize=${h.maxSize})` +
      `${h.cloudProviderTarget === h.maxSize ? ' at maxSize' : ''}`;
    const backoff = g.scaleUp?.backoffInfo;
    const why = backoff ? ` (${[backoff.errorCode, backoff.errorMessage].filter(Boolean).join(': ')})` : '';
    return `node group ${g.name ?? '?'}: health ${h.status ?? '?'}${size}, scaleUp ${g.scaleUp?.status ?? '?'}${why}`;
  });
  const more = groups.length > MAX_GROUPS ? `; and ${groups.length - MAX_GROUPS} more node groups` : '';
  const head = `autoscalerStatus ${s.autoscalerStatus ?? '?'}, clusterWide scaleUp ${s.clusterWide?.scaleUp?.status ?? '?'}`;
  return [head, ...named].join('; ') + more;
}

/** Text format (CA before 1.30): the node group lines that say it cannot grow, else the first scale-up line. */
function legacyLine(status: string): string {
  const lines = status.split('\n').map((l) => l.trim());
  const line = lines.find((l) => /maxSize|Backoff/.test(l)) ?? lines.find((l) => /ScaleUp|NoActivity/.test(l));
  return line ?? status.slice(0, 160);
}
