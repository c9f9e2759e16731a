import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import type { TestCluster } from '../test/support/cluster.js';

/**
 * The operator runs as a ServiceAccount of its own (bound to cluster-admin), not as the admin client certificate
 * the harness uses, so the audit policy can select exactly its requests by user name.
 */
export const OPERATOR_NAMESPACE = 'metricsstack-system';
export const OPERATOR_SA = 'metricsstack-operator';
export const OPERATOR_USER = `system:serviceaccount:${OPERATOR_NAMESPACE}:${OPERATOR_SA}`;

/** Creates the ServiceAccount, its binding and a 24 h token; returns a kubeconfig path for the operator. */
export async function operatorKubeconfig(cluster: TestCluster): Promise<{ path: string; token: string }> {
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  const rbac = cluster.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  await core.createNamespace({ body: { metadata: { name: OPERATOR_NAMESPACE } } });
  await core.createNamespacedServiceAccount({ namespace: OPERATOR_NAMESPACE, body: { metadata: { name: OPERATOR_SA } } });
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name: 'metricsstack-bench-operator' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: OPERATOR_SA, namespace: OPERATOR_NAMESPACE }],
    },
  });
  const tr = await core.createNamespacedServiceAccountToken({
    name: OPERATOR_SA, namespace: OPERATOR_NAMESPACE, body: { spec: { audiences: [], expirationSeconds: 24 * 3600 } },
  });
  const token = tr.status?.token;
  if (!token) throw new Error('TokenRequest returned no token');
  const path = join(cluster.dir, 'operator.kubeconfig');
  // JSON is YAML: the operator's KubeConfig.loadFromFile reads it as is.
  writeFileSync(path, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'operator',
    clusters: [{ name: cluster.name, cluster: { server: cluster.server, 'certificate-authority': cluster.caFile } }],
    users: [{ name: 'operator', user: { token } }],
    contexts: [{ name: 'operator', context: { cluster: cluster.name, user: 'operator' } }],
  }, null, 1));
  return { path, token };
}
