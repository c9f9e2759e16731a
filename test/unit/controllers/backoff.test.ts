import { describe, expect, it } from 'vitest';
import { exponentialBackoff } from '../../../src/controllers/backoff.js';

const noJitter = () => 0;
const maxJitter = () => 0.999_999;

describe('exponentialBackoff', () => {
  it.each([
    { attempt: 0, ms: 200 },
    { attempt: 1, ms: 400 },
    { attempt: 2, ms: 800 },
    { attempt: 5, ms: 6_400 },
    { attempt: 10, ms: 204_800 },
  ])('grows by the factor each attempt: attempt $attempt waits $ms ms before jitter', ({ attempt, ms }) => {
    expect(exponentialBackoff({}, attempt, noJitter)).toBe(ms);
  });

  it.each([
    { name: 'just past the cap', attempt: 11 },
    { name: 'far past the cap', attempt: 60 },
    { name: 'where factor^attempt overflows to Infinity', attempt: 5_000 },
  ])('is capped at capMs $name', ({ attempt }) => {
    expect(exponentialBackoff({}, attempt, noJitter)).toBe(300_000);
    expect(exponentialBackoff({}, attempt, maxJitter)).toBeLessThanOrEqual(300_000);
  });

  it('takes off at most the jitter fraction, never adding to the delay', () => {
    for (let attempt = 0; attempt < 15; attempt++) {
      const ceiling = Math.min(300_000, 200 * 2 ** attempt);
      for (const r of [0, 0.25, 0.5, 0.75, 0.999_999]) {
        const ms = exponentialBackoff({}, attempt, () => r);
        expect(ms).toBeGreaterThanOrEqual(Math.floor(ceiling * 0.8));
        expect(ms).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('spreads delays when the random source varies', () => {
    expect(exponentialBackoff({}, 3, () => 0.1)).not.toBe(exponentialBackoff({}, 3, () => 0.9));
  });

  it('honours custom base, factor, cap and jitter', () => {
    expect(exponentialBackoff({ baseMs: 1000, factor: 3, capMs: 10_000, jitter: 0 }, 2, maxJitter)).toBe(9_000);
    expect(exponentialBackoff({ baseMs: 1000, factor: 3, capMs: 10_000, jitter: 0 }, 3, maxJitter)).toBe(10_000);
  });

  it('treats a negative attempt as the first', () => {
    expect(exponentialBackoff({}, -3, noJitter)).toBe(200);
  });
});
