/**
 * How bad-specs.test.ts judges what the apiserver and the operator did with a generated spec: a rejection must name a
 * field at, above, below or beside the bad one; a reconciled stack must carry specific condition reasons.
 */
import type { MetricsStack } from '../../src/api/v1alpha1/types.js';
import { celMessages, type BadSpec } from './bad-specs.js';
import type { TestCluster } from './cluster.js';

/** What happened to one spec. */
export type Verdict =
  | { outcome: 'accepted' }
  | { outcome: 'schema' | 'cel' | 'unnamed'; message: string }
  | { outcome: 'reconciled'; reason: string };

interface Status { message?: string; details?: { causes?: { field?: string; message?: string }[] } }

const CEL = celMessages();
// A messageExpression's output quotes values, so match the fixed tail it shares with its message.
const CEL_TAILS = [...CEL, 'Kubernetes refuses a container whose limit is below its request'];

/** `spec.a.b[0].c` or `spec.a.b[k1]` → ['a', 'b', '0', 'c']. */
const segments = (field: string): string[] =>
  field.replace(/\[([^\]]*)\]/g, '.$1').replace(/^"|"$/g, '').split('.').filter(Boolean).slice(1);

const startsWith = (long: readonly string[], short: readonly string[]) => short.every((s, i) => long[i] === s);
/** Whether `field` is the bad site, an ancestor (a CEL rule on the parent), a descendant, or a sibling (a required one). */
const related = (field: string[], site: readonly string[]) =>
  startsWith(field, site) || startsWith(site, field) || startsWith(field, site.slice(0, -1));

/** Judges the apiserver's refusal of `bad`: schema or CEL, and whether it names a field related to the bad one. */
export function judge(bad: BadSpec, err: unknown): Verdict {
  const raw = (err as { body?: unknown }).body;
  let status: Status = {};
  try { status = (typeof raw === 'string' ? JSON.parse(raw) : raw ?? {}) as Status; } catch { status = { message: String(raw) }; }
  const message = status.message ?? String(err);
  const fields = [
    ...(status.details?.causes ?? []).flatMap((c) => c.field ? [c.field] : []),
    ...[...message.matchAll(/"?spec(?:\.[^\s:",.[\]]+|\[[^\]]*\])*/g)].map((m) => m[0].replace(/^"/, '')),
  ];
  if (!fields.some((f) => f.startsWith('spec') && related(segments(f), bad.path))) return { outcome: 'unnamed', message };
  return { outcome: CEL_TAILS.some((m) => message.includes(m)) ? 'cel' : 'schema', message };
}

/** Reasons that say something is happening or failed without saying what: an accepted spec must not end in one. */
export const GENERIC_REASONS: ReadonlySet<string> = new Set(['Reconciling', 'ReconcileError', 'Pending']);

/** The conditions of `s` with a generic reason, and a one-line summary of Ready (with the dependent it waits for). */
export function specificReasons(s: MetricsStack): { vague: string[]; summary: string } {
  const conditions = s.status?.conditions ?? [];
  const vague = conditions.filter((c) => GENERIC_REASONS.has(c.reason)).map((c) => `${c.type}=${c.status}/${c.reason}: ${c.message}`);
  const ready = conditions.find((c) => c.type === 'Ready');
  if (!ready) return { vague: [...vague, 'no Ready condition'], summary: 'no Ready' };
  const waitingOn = conditions.find((c) => c.type !== 'Ready' && c.status !== 'True');
  return { vague, summary: `Ready=${ready.status}/${ready.reason}${waitingOn && waitingOn.reason !== ready.reason ? ` (${waitingOn.type}/${waitingOn.reason})` : ''}` };
}

const MANAGED_KINDS =
  'serviceaccounts,services,configmaps,secrets,deployments,poddisruptionbudgets,clusterroles,clusterrolebindings,roles,rolebindings,apiservices';

/** `kind/namespace/name` → resourceVersion of every object the operator manages. */
export async function managedVersions(cluster: TestCluster): Promise<Record<string, string>> {
  const r = await cluster.kubectl(['get', '-A', '-o', 'json', '-l', 'app.kubernetes.io/managed-by=metricsstack-operator', MANAGED_KINDS]);
  if (r.code !== 0) throw new Error(`listing managed objects failed: ${r.stderr}`);
  const items = (JSON.parse(r.stdout) as { items: { kind: string; metadata: { namespace?: string; name: string; resourceVersion: string } }[] }).items;
  return Object.fromEntries(items.map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o.metadata.resourceVersion]));
}
