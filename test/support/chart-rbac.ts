/**
 * The chart rendered offline with the pinned helm, and its RBAC for the operator's ServiceAccount evaluated the way
 * the apiserver's RBAC authorizer does: ClusterRoles bound cluster-wide, Roles bound in their own namespace, and
 * resourceNames admitting only requests that name one of them.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubernetesObject, V1ClusterRole, V1Deployment, V1PolicyRule, V1RoleBinding } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { resolveBinDir } from './cluster-args.js';

export const CHART = fileURLToPath(new URL('../../charts/metricsstack-operator', import.meta.url));

/** `helm template ms <chart> -n <namespace> --set …`, as the process result (a failed render is for the test to judge). */
export const helmTemplate = (namespace: string, ...set: string[]) =>
  spawnSync(join(resolveBinDir(), 'helm'), ['template', 'ms', CHART, '-n', namespace, ...set.flatMap((s) => ['--set', s])], { encoding: 'utf8' });

/** The chart's objects for these values; throws with helm's message when the render fails. */
export function renderChart(namespace: string, ...set: string[]): KubernetesObject[] {
  const r = helmTemplate(namespace, ...set);
  if (r.status !== 0) throw new Error(`helm template failed: ${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as KubernetesObject | null).filter((o): o is KubernetesObject => !!o);
}

/** One API request; no namespace means cluster-wide (a ClusterRole bound cluster-wide is the only grant that fits). */
export interface Request { group: string; resource: string; verb: string; name?: string | undefined; namespace?: string | undefined }

/** The operator's rights under one rendering of the chart. */
export interface ChartRbac {
  readonly objects: KubernetesObject[];
  ofKind<T>(kind: string): T[];
  /** Every ClusterRole and Role the chart ships, whoever they are for. */
  readonly roles: V1ClusterRole[];
  /** Roles some binding gives the operator's ServiceAccount (the chart also ships roles for Cluster Autoscaler and users). */
  readonly operatorRoles: V1ClusterRole[];
  allows(req: Request): boolean;
  /** The operator container's `--flag=value` arguments. */
  arg(flag: string): string | undefined;
}

/** The chart rendered into `namespace` with `set`, and what it lets the operator do. */
export function chartRbac(namespace: string, ...set: string[]): ChartRbac {
  const objects = renderChart(namespace, ...set);
  const ofKind = <T,>(kind: string) => objects.filter((o) => o.kind === kind) as T[];
  const roles = [...ofKind<V1ClusterRole>('ClusterRole'), ...ofKind<V1ClusterRole>('Role')];
  const bindings = [...ofKind<V1RoleBinding>('ClusterRoleBinding'), ...ofKind<V1RoleBinding>('RoleBinding')];
  const boundToOperator = (b: V1RoleBinding) => b.subjects?.some((s) => s.kind === 'ServiceAccount' && s.namespace === namespace);
  const bound = (kind: string, ns?: string) => bindings
    .filter((b) => b.kind === (kind === 'ClusterRole' ? 'ClusterRoleBinding' : 'RoleBinding') && boundToOperator(b) && b.metadata?.namespace === ns)
    .flatMap((b) => roles.filter((r) => r.kind === kind && r.metadata?.name === b.roleRef.name && r.metadata?.namespace === ns));
  /** Rules in force in `ns`: ClusterRoles bound by ClusterRoleBindings, plus Roles bound in that namespace. */
  const rulesIn = (ns: string | undefined): V1PolicyRule[] => [...bound('ClusterRole'), ...(ns ? bound('Role', ns) : [])].flatMap((r) => r.rules ?? []);
  const allows = (req: Request): boolean => rulesIn(req.namespace).some((r) =>
    (r.apiGroups ?? []).includes(req.group) && (r.resources ?? []).includes(req.resource) && r.verbs.includes(req.verb) &&
    (!r.resourceNames?.length || (req.name !== undefined && r.resourceNames.includes(req.name))));
  const operatorRoles = roles.filter((r) => bindings.some((b) => boundToOperator(b) && b.roleRef.kind === r.kind && b.roleRef.name === r.metadata?.name &&
    (r.kind === 'ClusterRole' || b.metadata?.namespace === r.metadata?.namespace)));
  const args = ofKind<V1Deployment>('Deployment')[0]?.spec?.template.spec?.containers[0]?.args ?? [];
  const arg = (flag: string) => args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
  return { objects, ofKind, roles, operatorRoles, allows, arg };
}
