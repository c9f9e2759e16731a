import { sleep } from './procs.js';

/** One observation and when it was made (ms since the epoch). */
export interface Sample<T> { readonly at: number; readonly value: T }

/**
 * Observes something every `intervalMs` until stopped, one observation at a time, and keeps them all: for claims
 * about every moment of a window ("never Degraded during the rollout"), which a wait for an end state cannot make.
 * A failed observation (an API error) is skipped, not recorded.
 */
export function startSampler<T>(observe: () => Promise<T>, intervalMs = 250): { readonly samples: Sample<T>[]; stop(): Promise<Sample<T>[]> } {
  const samples: Sample<T>[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = Date.now();
      try { samples.push({ at, value: await observe() }); } catch { /* the next tick tries again */ }
      await sleep(Math.max(0, intervalMs - (Date.now() - at)));
    }
  })();
  return { samples, stop: async () => { running = false; await loop; return samples; } };
}

/** The values in order with consecutive repeats collapsed: ['Progressing', 'Healthy'] for a clean start. */
export const transitions = <T>(samples: readonly Sample<T>[], key: (v: T) => string): string[] =>
  samples.map((s) => key(s.value)).filter((k, i, all) => i === 0 || all[i - 1] !== k);
