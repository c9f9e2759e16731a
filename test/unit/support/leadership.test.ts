import { describe, expect, it } from 'vitest';
import { leaderTerms, overlappingTerms } from '../../support/leadership.js';

const line = (pid: number, at: number, msg: string) => JSON.stringify({ level: 'info', time: new Date(at).toISOString(), pid, msg });

describe('leaderTerms', () => {
  it('opens a term at "became leader" and closes it when the lease was released', () => {
    const log = [line(1, 1000, 'caches synced'), line(1, 2000, 'became leader'), line(1, 5000, 'released leader lease'), 'not json'].join('\n');
    expect(leaderTerms('a', log)).toEqual([{ pod: 'a', pid: 1, from: 2000, to: 5000 }]);
  });
  it('closes the term of a process killed while leading at its death, or when the next process of the pod logs', () => {
    const log = [line(1, 2000, 'became leader'), line(2, 9000, 'starting')].join('\n');
    expect(leaderTerms('a', log, 4000)).toEqual([{ pod: 'a', pid: 1, from: 2000, to: 4000 }]);
    expect(leaderTerms('a', log)).toEqual([{ pod: 'a', pid: 1, from: 2000, to: 9000 }]);
    expect(leaderTerms('a', line(1, 2000, 'became leader'))).toEqual([{ pod: 'a', pid: 1, from: 2000, to: Number.POSITIVE_INFINITY }]);
  });
});

describe('overlappingTerms', () => {
  it('finds two leaders at one instant, and only then', () => {
    const a = { pod: 'a', pid: 1, from: 0, to: 10 };
    expect(overlappingTerms([a, { pod: 'b', pid: 2, from: 10, to: 20 }])).toEqual([]);
    expect(overlappingTerms([a, { pod: 'b', pid: 2, from: 9, to: 20 }])).toHaveLength(1);
  });
});
