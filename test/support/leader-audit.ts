import { isLease, WRITE_VERBS, type AuditEvent } from '../../bench/audit.js';

/** The user agent prefix of the operator's requests; the identity follows it (main.ts). */
const AGENT = 'metricsstack-operator/';

/** The successful writes each operator made, by identity, from the apiserver's audit log. */
export function operatorWrites(events: readonly AuditEvent[]): AuditEvent[] {
  return events.filter((e) => e.userAgent.startsWith(AGENT) && WRITE_VERBS.has(e.verb) && (e.code ?? 0) < 300);
}

export const identityOf = (e: AuditEvent): string => e.userAgent.slice(AGENT.length);

/**
 * The writes an operator made outside its term: each write other than to the Lease, checked against the holder at
 * the instant the apiserver received it, which is whoever made the last successful Lease write before then. All times
 * are the apiserver's (its audit log), so no operator's clock, skewed or not, enters the check. A term ends at the
 * next holder's first Lease write: a leader that kept writing after its successor took over shows up here.
 */
export function writesOutsideTheirTerm(events: readonly AuditEvent[]): AuditEvent[] {
  const writes = operatorWrites(events);
  const leaseWrites = writes.filter(isLease).sort((x, y) => x.completed - y.completed);
  return writes.filter((w) => !isLease(w)).filter((w) => {
    const last = leaseWrites.filter((l) => l.completed <= w.received).at(-1);
    return last === undefined || identityOf(last) !== identityOf(w);
  });
}
