import { describe, expect, it } from 'vitest';
import { HpaCause, summarizeVerdicts, type HpaVerdict } from '../../../../src/reconcilers/hpa/index.js';

const bad = (name: string, cause: HpaCause): HpaVerdict => ({ namespace: 'shop', name, findings: [{ cause, message: `${name} broken`, fix: 'fix it' }] });

describe('summarizeVerdicts', () => {
  it('counts HPAs by root cause, names at most five per cause, sorted, and counts the healthy', () => {
    const vs = [...['f', 'e', 'd', 'c', 'b', 'a'].map((n) => bad(n, HpaCause.MissingResourceRequest)), bad('x', HpaCause.TargetMissing),
      { namespace: 'shop', name: 'ok', findings: [] }];
    expect(summarizeVerdicts(vs)).toEqual({
      hpas: 8, healthy: 1,
      causes: [
        { cause: 'MissingResourceRequest', count: 6, hpas: ['shop/a', 'shop/b', 'shop/c', 'shop/d', 'shop/e'], example: 'a broken. Fix: fix it' },
        { cause: 'TargetMissing', count: 1, hpas: ['shop/x'], example: 'x broken. Fix: fix it' },
      ],
    });
  });
});
