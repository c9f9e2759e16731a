/**
 * The namespaces the operator may write to (--managed-namespaces, from the chart value managedNamespaces). The chart
 * grants namespaced writes by Roles in those namespaces only, because resourceNames do not scope namespaces: a
 * cluster-wide grant to write Deployment "metrics-server" would allow one in kube-system running as any of its
 * ServiceAccounts. A MetricsStack that targets another namespace is refused before any call, naming the fix.
 */

/** The chart value that sets --managed-namespaces, named in every refusal. */
export const MANAGED_NAMESPACES_VALUE = 'managedNamespaces';

/**
 * Pure: undefined when the operator may write to `namespace` (always, without --managed-namespaces); otherwise the
 * InvalidSpec message, naming the spec field, the managed namespaces, the chart value and the upgrade that fixes it.
 */
export function unmanagedNamespace(managed: readonly string[] | undefined, namespace: string, field: string, what: string): string | undefined {
  if (!managed || managed.includes(namespace)) return undefined;
  const value = MANAGED_NAMESPACES_VALUE;
  return `${field} is ${namespace}, which is not one of the namespaces the operator may write to (${managed.join(', ')}: the Helm chart ` +
    `value ${value}), so ${what} was not deployed or changed. Add ${namespace} to ${value} and upgrade the release (helm upgrade ` +
    `<release> --reuse-values --set '${value}={${[...managed, namespace].join(',')}}'), or set ${field} to one of those namespaces.`;
}
