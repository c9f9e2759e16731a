import { describe, expect, it } from 'vitest';
import { formatGrowth, growthPerThousandNodes, type SizePoint } from '../../../bench/growth.js';

const p = (nodes: number, value: number): SizePoint => ({ nodes, value });

describe('growthPerThousandNodes', () => {
  it.each([
    ['gives no figure for a quick run of 0 and 100 nodes (start-up costs, not growth)', [p(0, 70), p(100, 78.4)], undefined, 0, 100],
    ['gives no figure for a single cluster size', [p(5000, 90)], undefined, 5000, 5000],
    ['gives no figure for a span of 999 nodes', [p(1, 70), p(1000, 80)], undefined, 1, 1000],
    ['gives a figure for a span of exactly 1,000 nodes', [p(0, 70), p(1000, 71.5)], 1.5, 0, 1000],
    ['takes the smallest and the largest size, whatever the order', [p(5000, 84), p(0, 74), p(1000, 80)], 2, 0, 5000],
    ['ignores a size whose figure is missing', [p(0, 70), p(1000, 72), p(5000, NaN)], 2, 0, 1000],
    ['reports shrinking as a negative figure', [p(0, 80), p(2000, 79)], -0.5, 0, 2000],
  ])('%s', (_name, points, perThousand, from, to) => {
    const g = growthPerThousandNodes(points);
    expect(g.perThousand === undefined ? undefined : Number(g.perThousand.toFixed(6))).toBe(perThousand);
    expect([g.from, g.to]).toEqual([from, to]);
  });

  it('says why there is no figure, and prints one with two decimals when there is', () => {
    expect(formatGrowth(growthPerThousandNodes([p(0, 70), p(100, 78.4)])))
      .toBe('n/a (the sizes measured span 100 nodes, fewer than 1000: that would extrapolate start-up costs)');
    expect(formatGrowth(growthPerThousandNodes([]))).toBe('n/a (no cluster size was measured)');
    expect(formatGrowth(growthPerThousandNodes([p(0, 80.1), p(5000, 93.9)]))).toBe('2.76 MiB');
  });
});
