/**
 * Growth per 1,000 nodes between the smallest and the largest cluster measured. Over a span of fewer than
 * {@link MIN_GROWTH_SPAN_NODES} nodes the difference is mostly noise and fixed start-up costs (a quick run's 0 → 100
 * nodes "grew" 83.91 MiB per 1,000), so no figure is given for it.
 */
export const MIN_GROWTH_SPAN_NODES = 1000;

/** One measured cluster size and the figure (e.g. median RSS in MiB) measured on it. */
export interface SizePoint { readonly nodes: number; readonly value: number }

export type Growth =
  | { readonly perThousand: number; readonly from: number; readonly to: number }
  | { readonly perThousand?: undefined; readonly from: number; readonly to: number; readonly why: string };

export function growthPerThousandNodes(points: readonly SizePoint[]): Growth {
  const ok = points.filter((p) => Number.isFinite(p.value));
  if (ok.length === 0) return { from: NaN, to: NaN, why: 'no cluster size was measured' };
  const lo = ok.reduce((a, b) => (b.nodes < a.nodes ? b : a));
  const hi = ok.reduce((a, b) => (b.nodes > a.nodes ? b : a));
  const span = hi.nodes - lo.nodes;
  if (span < MIN_GROWTH_SPAN_NODES) {
    return { from: lo.nodes, to: hi.nodes, why: `the sizes measured span ${span} nodes, fewer than ${MIN_GROWTH_SPAN_NODES}: that would extrapolate start-up costs` };
  }
  return { perThousand: ((hi.value - lo.value) / span) * 1000, from: lo.nodes, to: hi.nodes };
}

/** `2.76 MiB`, or `n/a (why)`. */
export const formatGrowth = (g: Growth, unit = 'MiB'): string =>
  g.perThousand === undefined ? `n/a (${g.why})` : `${g.perThousand.toFixed(2)} ${unit}`;
