import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The apiserver's own record of the operator's requests: an audit policy that logs, at Metadata level and only at
 * ResponseComplete, every request of one user (the operator's ServiceAccount) and nothing else, so the log stays small
 * even beside 5,000 kwok nodes. apiserver_request_total has no user or user-agent label; the audit log has both, and
 * the server-side duration of each request (stageTimestamp − requestReceivedTimestamp).
 */
export interface AuditEvent {
  verb: string; resource: string; apiGroup?: string; subresource?: string; namespace?: string; name?: string; code?: number;
  userAgent: string; received: number; completed: number;
}

export const WRITE_VERBS: ReadonlySet<string> = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** Writes the policy and returns the kube-apiserver flags that enable it. */
export function auditArgs(dir: string, username: string): { args: string[]; logFile: string } {
  const policy = join(dir, 'audit-policy.yaml');
  const logFile = join(dir, 'audit.log');
  writeFileSync(policy, [
    'apiVersion: audit.k8s.io/v1',
    'kind: Policy',
    'omitStages: [RequestReceived, ResponseStarted]',
    'rules:',
    '- level: Metadata',
    `  users: [${JSON.stringify(username)}]`,
    '- level: None',
    '',
  ].join('\n'));
  // Blocking mode (the log backend's default): an event is in the file before its response is sent.
  return { logFile, args: [`--audit-policy-file=${policy}`, `--audit-log-path=${logFile}`, '--audit-log-format=json', '--audit-log-maxsize=0'] };
}

interface RawEvent {
  verb?: string; userAgent?: string; requestReceivedTimestamp?: string; stageTimestamp?: string;
  objectRef?: { resource?: string; apiGroup?: string; subresource?: string; namespace?: string; name?: string };
  responseStatus?: { code?: number };
}

export function readAudit(logFile: string): AuditEvent[] {
  if (!existsSync(logFile)) return [];
  const events: AuditEvent[] = [];
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line) as RawEvent;
    events.push({
      verb: e.verb ?? '', resource: e.objectRef?.resource ?? '', userAgent: e.userAgent ?? '',
      ...(e.objectRef?.apiGroup ? { apiGroup: e.objectRef.apiGroup } : {}),
      ...(e.objectRef?.subresource ? { subresource: e.objectRef.subresource } : {}),
      ...(e.objectRef?.namespace ? { namespace: e.objectRef.namespace } : {}),
      ...(e.objectRef?.name ? { name: e.objectRef.name } : {}),
      ...(e.responseStatus?.code ? { code: e.responseStatus.code } : {}),
      received: micros(e.requestReceivedTimestamp), completed: micros(e.stageTimestamp),
    });
  }
  return events;
}

/** RFC 3339 with microseconds → epoch milliseconds with a fraction (Date alone keeps milliseconds). */
function micros(ts: string | undefined): number {
  if (!ts) return NaN;
  const m = /^(.*\.\d{3})(\d*)Z$/.exec(ts);
  return m ? Date.parse(`${m[1]}Z`) + Number(`0.${m[2] || '0'}`) : Date.parse(ts);
}

/** Leader-election renewals are not reconcile work: counted apart, never against the per-change figures. */
export const isLease = (e: AuditEvent): boolean => e.resource === 'leases' && e.apiGroup === 'coordination.k8s.io';
/** Long-running watches end at their timeout, not in response to a change. */
export const isWatch = (e: AuditEvent): boolean => e.verb === 'watch';

/** The reconcile requests received in [from, to). */
export const inWindow = (events: readonly AuditEvent[], from: number, to: number): AuditEvent[] =>
  events.filter((e) => e.received >= from && e.received < to && !isLease(e) && !isWatch(e));

/** `verb resource[.group][/subresource]` → count, sorted by count. */
export function byVerb(events: readonly AuditEvent[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const e of events) {
    const key = `${e.verb} ${e.resource}${e.apiGroup ? `.${e.apiGroup}` : ''}${e.subresource ? `/${e.subresource}` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]));
}

/** Sum of the apiserver-side durations (ms) of the events. */
export const serverMs = (events: readonly AuditEvent[]): number =>
  events.reduce((sum, e) => sum + Math.max(0, e.completed - e.received), 0);
