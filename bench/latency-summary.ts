import { byVerb, inWindow, serverMs, WRITE_VERBS, type AuditEvent } from './audit.js';
import type { Rtt } from './rtt.js';
import { median, percentile } from './stats.js';

/** One spec change: before the PATCH, its response, and the watch event with the new observedGeneration (epoch ms). */
export interface Mark { t0: number; written: number; t1: number }

/**
 * One series of changes. Besides the end-to-end latency (PATCH sent → status seen by a watcher), the audit log splits
 * it: the PATCH itself, the wait until the operator's first request (watch delivery to the operator, queue, its own
 * computation), the operator's requests up to the status write's completion, and the watch delivery back.
 * "Operator-added" is PATCH response → status write completed: what the operator adds to a `kubectl apply`.
 */
export interface SeriesResult {
  provider: string; changes: number; createMs: number;
  p50: number; p95: number; p99: number; max: number;
  /** Medians (ms) of the phases above; operatorAddedP99 is the p99 of the operator-added time. */
  phases: { patchMs: number; toFirstRequestMs: number; requestsSpanMs: number; notifyMs: number; operatorAddedMs: number; operatorAddedP99: number };
  /** Operator requests received between the write and the status (leases and watches excluded): median, max. */
  requests: number; requestsMax: number; writes: number;
  /** Operator requests from one write to the next (incl. follow-up reconciles woken by owned-object events). */
  requestsUntilNext: number;
  /** Median apiserver-side time of one change's requests (sum over the change), from the audit log. */
  serverMs: number;
  /**
   * The budget's denominator, "the sum of its own API round trips": per change, its reads × the measured GET RTT plus
   * its writes × the measured write RTT (median over changes); ownRatio = operator-added p99 ÷ that (budget ≤ 2).
   */
  ownRoundTripsMs: number; ownRatio: number;
  /**
   * The budget read per change: operator-added ÷ the apiserver time of that change's own requests, then its p50 and
   * p99 over the changes (the ratio above divides one change's tail by another's median). And the p99 of each phase,
   * so the tail can be put on a phase.
   */
  perChangeRatio: { p50: number; p99: number };
  phasesP99: { toFirstRequestMs: number; requestsSpanMs: number; serverMs: number };
  /** Each change's phases (ms), in order: for finding what a tail was. */
  perChange?: { toFirstRequestMs: number; requestsSpanMs: number; serverMs: number; operatorAddedMs: number }[];
  byVerb: Record<string, number>;
  /** Times the harness's watch ended and was re-opened during the series (0 expected; else a change was seen late). */
  watchRestarts?: number;
}

export function summarizeSeries(provider: string, createMs: number, marks: Mark[], end: number, audit: AuditEvent[], rtt: Rtt): SeriesResult {
  const lat = marks.map((m) => m.t1 - m.t0);
  const windows = marks.map((m) => inWindow(audit, m.t0, m.t1));
  const untilNext = marks.map((m, i) => inWindow(audit, m.t0, marks[i + 1]?.t0 ?? end).length);
  const counts = windows.map((w) => w.length);
  const writes = windows.map((w) => w.filter((e) => WRITE_VERBS.has(e.verb)).length);
  const firstReq = windows.map((w) => Math.min(...w.map((e) => e.received)));
  const statusDone = windows.map((w) => Math.max(...w.filter((e) => e.subresource === 'status').map((e) => e.completed)));
  const operatorAdded = marks.map((m, i) => statusDone[i]! - m.written);
  const ok = (xs: number[]) => xs.filter(Number.isFinite);
  const requests = median(counts);
  const ownRoundTripsMs = median(windows.map((w, i) => (w.length - writes[i]!) * rtt.getMs + writes[i]! * rtt.writeMs));
  const server = windows.map(serverMs);
  const toFirst = marks.map((m, i) => firstReq[i]! - m.written);
  const span = marks.map((_, i) => statusDone[i]! - firstReq[i]!);
  const ratio = ok(operatorAdded.map((a, i) => a / server[i]!));
  const p99 = percentile(lat, 99);
  const operatorAddedP99 = percentile(ok(operatorAdded), 99);
  return {
    provider, changes: marks.length, createMs,
    p50: percentile(lat, 50), p95: percentile(lat, 95), p99, max: Math.max(...lat),
    phases: {
      patchMs: median(marks.map((m) => m.written - m.t0)),
      toFirstRequestMs: median(ok(toFirst)),
      requestsSpanMs: median(ok(span)),
      notifyMs: median(ok(marks.map((m, i) => m.t1 - statusDone[i]!))),
      operatorAddedMs: median(ok(operatorAdded)),
      operatorAddedP99,
    },
    requests, requestsMax: Math.max(...counts), writes: median(writes), requestsUntilNext: median(untilNext),
    serverMs: median(server),
    ownRoundTripsMs, ownRatio: operatorAddedP99 / ownRoundTripsMs,
    perChangeRatio: { p50: percentile(ratio, 50), p99: percentile(ratio, 99) },
    phasesP99: { toFirstRequestMs: percentile(ok(toFirst), 99), requestsSpanMs: percentile(ok(span), 99), serverMs: percentile(server, 99) },
    perChange: marks.map((_, i) => ({ toFirstRequestMs: toFirst[i]!, requestsSpanMs: span[i]!, serverMs: server[i]!, operatorAddedMs: operatorAdded[i]! })),
    byVerb: byVerb(windows.flat()),
  };
}
