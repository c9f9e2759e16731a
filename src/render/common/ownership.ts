/**
 * The labels that tie a child object to the MetricsStack that owns it. Children of a cluster-scoped owner cannot use
 * ownerReferences across scopes reliably, so a label ties them. Defined with the renderers, which put them on pod
 * templates (render imports nothing from kube); kube's Applier puts them on every object it applies.
 */

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'metricsstack-operator';
/** Names the MetricsStack that owns a child. */
export const OWNER_LABEL = 'metricsstack.io/owner';

/** The labels every object owned by the MetricsStack `owner` carries. */
export const ownershipLabels = (owner: string): Record<string, string> => ({
  [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
  [OWNER_LABEL]: owner,
});
