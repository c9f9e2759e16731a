import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import type { TestCluster } from './cluster.js';

/** The ServiceAccount the exec-plugin operator of the fault suite runs as (bound to cluster-admin). */
const EXEC_SA = { namespace: 'default', name: 'exec-operator' } as const;
const EXEC_USER = `system:serviceaccount:${EXEC_SA.namespace}:${EXEC_SA.name}`;

/**
 * kube-apiserver flags for an audit log of one thing only: that {@link EXEC_SA} listed MetricsStacks. Logged at
 * RequestReceived, which the (blocking) log backend writes before the request is served, so the entry is in the
 * file before the operator has the answer.
 */
export function stackListAudit(dir: string): { args: string[]; logFile: string } {
  const policy = join(dir, 'audit-policy.yaml');
  const logFile = join(dir, 'audit.log');
  writeFileSync(policy, [
    'apiVersion: audit.k8s.io/v1', 'kind: Policy', 'omitStages: [ResponseStarted, ResponseComplete, Panic]', 'rules:',
    '- level: Metadata', `  users: ["${EXEC_USER}"]`, '  verbs: [list]', '  resources: [{ group: metricsstack.io, resources: [metricsstacks] }]',
    '- level: None', '',
  ].join('\n'));
  return { logFile, args: [`--audit-policy-file=${policy}`, `--audit-log-path=${logFile}`, '--audit-log-format=json', '--audit-log-maxsize=0'] };
}

/**
 * A kubeconfig whose credentials come from an exec plugin (a shell script) that fails — as one whose token file became
 * unreadable — from the moment the apiserver has seen the operator list MetricsStacks until the file `healed`
 * exists. The credential expires at once, so client-node runs the plugin for every request: the list that triggers
 * the fault gets its token, and the watch ListWatch opens right after it fails before sending anything.
 */
export async function execPluginKubeconfig(cluster: TestCluster, dir: string, auditLog: string): Promise<{ path: string; heal: () => void }> {
  writeFileSync(join(dir, 'token'), await serviceAccountToken(cluster, EXEC_SA.name, 'cluster-admin'));
  const plugin = join(dir, 'credential.sh');
  const healed = join(dir, 'healed');
  writeFileSync(plugin, [
    '#!/bin/sh',
    `if [ ! -e '${healed}' ] && grep -q metricsstacks '${auditLog}' 2>/dev/null; then`,
    `  echo "open ${join(dir, 'token')}: permission denied" >&2; exit 1`,
    'fi',
    `printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s",` +
      `"expirationTimestamp":"1970-01-01T00:00:00Z"}}' "$(cat '${join(dir, 'token')}')"`,
    '',
  ].join('\n'));
  chmodSync(plugin, 0o755);
  const path = join(dir, 'exec.kubeconfig');
  const exec = { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, interactiveMode: 'Never' };
  writeFileSync(path, JSON.stringify(kubeconfig(cluster, { exec })));
  return { path, heal: () => writeFileSync(healed, '') };
}

/** A ServiceAccount in `default` bound to ClusterRole `role`, and a token for it (1 h). */
export async function serviceAccountToken(cluster: TestCluster, name: string, role: string): Promise<string> {
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  await core.createNamespacedServiceAccount({ namespace: 'default', body: { metadata: { name } } });
  await cluster.kubeConfig.makeApiClient(RbacAuthorizationV1Api).createClusterRoleBinding({ body: {
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ kind: 'ServiceAccount', name, namespace: 'default' }],
  } });
  const tr = await core.createNamespacedServiceAccountToken({ name, namespace: 'default', body: { spec: { audiences: [], expirationSeconds: 3600 } } });
  return tr.status?.token ?? '';
}

/** A kubeconfig at `path` that authenticates with `token`. */
export function tokenKubeconfig(cluster: TestCluster, token: string, path: string): string {
  writeFileSync(path, JSON.stringify(kubeconfig(cluster, { token })));
  return path;
}

function kubeconfig(cluster: TestCluster, user: object): object {
  return {
    apiVersion: 'v1', kind: 'Config', 'current-context': 'sa',
    clusters: [{ name: cluster.name, cluster: { server: cluster.server, 'certificate-authority': cluster.caFile } }],
    users: [{ name: 'sa', user }],
    contexts: [{ name: 'sa', context: { cluster: cluster.name, user: 'sa' } }],
  };
}
