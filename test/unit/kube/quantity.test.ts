import { describe, expect, it } from 'vitest';
import { parseQuantity, sameQuantity } from '../../../src/kube/quantity.js';

describe('sameQuantity compares Kubernetes quantities by value, as the apiserver stores them', () => {
  it.each([
    ['1024Mi', '1Gi', true],
    ['0.5', '500m', true],
    ['.5', '500m', true],
    ['1', '1000m', true],
    ['1e3', '1k', true],
    ['1.5Gi', '1536Mi', true],
    ['200Mi', '200M', false],
    ['1Gi', '2Gi', false],
    ['100m', '0.1', true],
    ['1E', '1e18', true],
    ['-1', '1', false],
    ['1Gi', 'lots', false],
  ])('%s and %s: %s', (a, b, want) => expect(sameQuantity(a, b)).toBe(want));

  it('refuses what is not a quantity', () => {
    for (const s of ['', 'Mi', '1.2.3', '1 Gi', '1Gb', '0x10']) expect(parseQuantity(s), s).toBeUndefined();
  });
});
