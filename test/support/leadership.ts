/** One stretch of time in which an operator process held the Lease and so may have acted (ms since the epoch). */
export interface LeaderTerm { readonly pod: string; readonly pid: number; readonly from: number; readonly to: number }

/** The operator's own log lines (src/controllers/leader-election.ts) that open and close a term. */
const BECAME = 'became leader';
const ENDED = new Set(['released leader lease', 'lost leadership']);

/**
 * Pure: the terms in a pod's JSON log, which holds every process the pod ran (a restarted container appends). A
 * term opens at "became leader" and closes when that process released the lease (after its workers drained) or
 * lost it. A process that died leading (kill -9) closes it at `diedAt`, or at the latest when the next process of
 * the pod logs its first line.
 */
export function leaderTerms(pod: string, log: string, diedAt = Number.POSITIVE_INFINITY): LeaderTerm[] {
  const terms: LeaderTerm[] = [];
  let open: { pid: number; from: number } | undefined;
  for (const line of log.split('\n')) {
    if (!line.startsWith('{')) continue;
    const { msg, time, pid } = JSON.parse(line) as { msg?: string; time?: string | number; pid: number };
    const at = typeof time === 'number' ? time : Date.parse(time ?? '');
    if (open && pid !== open.pid) {
      terms.push({ pod, ...open, to: Math.min(diedAt, at) });
      open = undefined;
    }
    if (msg === BECAME) open = { pid, from: at };
    else if (open && msg && ENDED.has(msg)) {
      terms.push({ pod, ...open, to: at });
      open = undefined;
    }
  }
  if (open) terms.push({ pod, ...open, to: diedAt });
  return terms;
}

/** Pairs of terms of different processes that share an instant: two leaders acting at once. */
export function overlappingTerms(terms: readonly LeaderTerm[]): [LeaderTerm, LeaderTerm][] {
  return terms.flatMap((a, i) => terms.slice(i + 1).filter((b) => a.from < b.to && b.from < a.to).map((b) => [a, b] as [LeaderTerm, LeaderTerm]));
}
