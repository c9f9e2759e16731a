/** Shape of an exponential backoff. All durations in milliseconds. */
export interface BackoffOptions {
  /** Delay before the first retry (attempt 0). */
  readonly baseMs: number;
  /** No delay is ever longer than this. */
  readonly capMs: number;
  /** Growth per attempt. */
  readonly factor: number;
  /** Fraction in [0, 1] taken off at random, so many keys failing together do not retry in lockstep. */
  readonly jitter: number;
}

/** controller-runtime's item backoff is 5 ms → 1000 s; we start slower and cap at 5 min because our callers are API writes. */
export const defaultBackoff: BackoffOptions = { baseMs: 200, capMs: 300_000, factor: 2, jitter: 0.2 };

/**
 * Delay before retry number `attempt` (0-based): `min(cap, base·factor^attempt)` reduced by up to `jitter` of itself.
 * Jitter only shortens the delay, so the result always lies in `[(1 - jitter)·d, d]` and never exceeds `capMs`.
 * Pure: `random` is the only source of randomness and must return a number in [0, 1).
 */
export function exponentialBackoff(
  options: Partial<BackoffOptions>,
  attempt: number,
  random: () => number = Math.random,
): number {
  const { baseMs, capMs, factor, jitter } = { ...defaultBackoff, ...options };
  const n = Math.max(0, Math.floor(attempt));
  // factor ** n overflows to Infinity for large n; min() turns that into the cap instead of NaN.
  const ceiling = Math.min(capMs, baseMs * factor ** n);
  const spread = Math.min(1, Math.max(0, jitter));
  return Math.round(ceiling * (1 - spread * random()));
}
