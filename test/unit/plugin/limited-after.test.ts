import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/plugin/args.js';

describe('kubectl metricsstack doctor --limited-after', () => {
  it.each<[string, string[], unknown]>([
    ['leaves the default (10 min, as the operator) when absent', ['doctor'], { args: { output: 'table', limitedAfterMs: undefined } }],
    ['takes a Go-style duration', ['doctor', '--limited-after', '20s'], { args: { limitedAfterMs: 20_000 } }],
    ['takes --limited-after=1h30m', ['doctor', '--limited-after=1h30m'], { args: { limitedAfterMs: 5_400_000 } }],
    ['exits 2 on a number without a unit, naming the flag', ['doctor', '--limited-after', '20'],
      { exit: 2, text: '--limited-after must be a duration such as 15s or 10m, got "20"\n' }],
    ['exits 2 below one second', ['doctor', '--limited-after', '0s'], { exit: 2, text: '--limited-after must be at least 1s, got 0s\n' }],
    ['exits 2 without a value', ['doctor', '--limited-after'], { exit: 2 }],
  ])('%s', (_n, argv, expected) => {
    expect(parseArgs(argv)).toMatchObject(expected as object);
  });
});
