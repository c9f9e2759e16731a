/** Small statistics for the report: percentiles of one series, min/median/max across repetitions. */

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export const median = (values: readonly number[]): number => {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Run-to-run spread of one figure. */
export interface Spread { min: number; median: number; max: number; n: number }

export function spread(values: readonly number[]): Spread {
  const ok = values.filter((v) => Number.isFinite(v));
  if (ok.length === 0) return { min: NaN, median: NaN, max: NaN, n: 0 };
  return { min: Math.min(...ok), median: median(ok), max: Math.max(...ok), n: ok.length };
}

/** `median (min–max)`, or just the value for one repetition. */
export function fmt(s: Spread, digits = 1, unit = ''): string {
  if (s.n === 0) return 'n/a';
  const f = (v: number) => `${v.toFixed(digits)}${unit}`;
  return s.n === 1 || s.min === s.max ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

/** The same figure taken out of each repetition's result. */
export const across = <T>(reps: readonly T[], pick: (r: T) => number | undefined): Spread =>
  spread(reps.map((r) => pick(r) ?? NaN));
