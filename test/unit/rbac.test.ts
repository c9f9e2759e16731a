/**
 * The chart's RBAC against what src/ calls: every call the operator makes is allowed, every object it renders is
 * writable by name, and nothing else is writable. A renderer that adds an object, or a chart edit that adds a grant,
 * fails here until the two agree again.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubernetesObject, V1ClusterRole, V1PolicyRule, V1RoleBinding } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { withDefaults } from '../../src/api/v1alpha1/defaults.js';
import { GROUP, PLURAL } from '../../src/api/v1alpha1/types.js';
import { EXTENSION_AUTH_CONFIGMAP } from '../../src/reconcilers/aggregation/decision.js';
import { CLUSTER_CA_CONFIGMAP } from '../../src/reconcilers/metrics-server/kubelet-tls/facts.js';
import { METRICS_SERVER_CERT_SECRET } from '../../src/reconcilers/metrics-server/backend.js';
import { OWNED_KINDS, ownedKindPath, WATCHED_KINDS } from '../../src/reconcilers/stack/owned-kinds.js';
import { METRICS_SERVER_NAME, renderMetricsServer } from '../../src/render/metrics-server/index.js';
import { CLUSTER_AUTOSCALER_NAME, CLUSTER_AUTOSCALER_CLUSTER_ROLE, CLUSTER_AUTOSCALER_STATUS_ROLE, renderClusterAutoscaler } from '../../src/render/cluster-autoscaler/index.js';
import { PROMETHEUS_ADAPTER_CERT_SECRET, PROMETHEUS_ADAPTER_NAME } from '../../src/reconcilers/prometheus-adapter/backend.js';
import { adapterConfigFrom, renderPrometheusAdapter } from '../../src/render/prometheus-adapter/index.js';
import { adapterSpec } from './render/prometheus-adapter/input.js';
import { resolveBinDir } from '../support/cluster-args.js';

const NS = 'ops';
const chart = fileURLToPath(new URL('../../charts/metricsstack-operator', import.meta.url));
const objects = parseAllDocuments(execFileSync(join(resolveBinDir(), 'helm'), ['template', 'ms', chart, '-n', NS], { encoding: 'utf8' }))
  .map((d) => d.toJS() as KubernetesObject | null).filter((o): o is KubernetesObject => !!o);
const ofKind = <T,>(kind: string) => objects.filter((o) => o.kind === kind) as T[];
const roles = [...ofKind<V1ClusterRole>('ClusterRole'), ...ofKind<V1ClusterRole>('Role')];
const boundToOperator = (b: V1RoleBinding) => b.subjects?.some((s) => s.kind === 'ServiceAccount' && s.namespace === NS);

/** One API request; no namespace means cluster-wide (a ClusterRole bound cluster-wide is the only grant that fits). */
interface Request { group: string; resource: string; verb: string; name?: string; namespace?: string }

/** Rules in force in `namespace`: ClusterRoles bound by ClusterRoleBindings, plus Roles bound in that namespace. */
function rulesIn(namespace: string | undefined): V1PolicyRule[] {
  const bound = (kind: string, ns?: string) => ofKind<V1RoleBinding>(kind === 'ClusterRole' ? 'ClusterRoleBinding' : 'RoleBinding')
    .filter((b) => boundToOperator(b) && b.metadata?.namespace === ns)
    .flatMap((b) => roles.filter((r) => r.kind === kind && r.metadata?.name === b.roleRef.name && r.metadata?.namespace === ns));
  return [...bound('ClusterRole'), ...(namespace ? bound('Role', namespace) : [])].flatMap((r) => r.rules ?? []);
}

/** The RBAC authorizer's match: resourceNames, when present, admit only requests that name one of them. */
const allows = (req: Request): boolean => rulesIn(req.namespace).some((r) =>
  (r.apiGroups ?? []).includes(req.group) && (r.resources ?? []).includes(req.resource) && r.verbs.includes(req.verb) &&
  (!r.resourceNames?.length || (req.name !== undefined && r.resourceNames.includes(req.name))));

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
const resourceOf = (kind: string): string => {
  const k = OWNED_KINDS.find((o) => o.kind === kind);
  return (k && ownedKindPath(k).split('/').pop()) ?? `<${kind} is not an owned kind>`;
};

// Everything the metrics-server reconciler applies: the rendered set (2 replicas, so with the PDB) and the serving cert.
const spec = withDefaults({ metricsServer: { replicas: 2 } }).metricsServer;
const rendered: KubernetesObject[] = [
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: METRICS_SERVER_CERT_SECRET, namespace: spec.namespace } },
  ...renderMetricsServer({
    name: METRICS_SERVER_NAME, namespace: spec.namespace, replicas: spec.replicas, image: spec.image, resources: spec.resources,
    args: [], securePort: 10250, insecureSkipTLSVerify: false, placement: { annotateEC2: false, avoidFargateAffinity: false },
  }),
  // prometheus-adapter serving all three APIs, with 2 replicas (so with its PDB), and its serving cert.
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: PROMETHEUS_ADAPTER_CERT_SECRET, namespace: adapterSpec.namespace } },
  ...renderPrometheusAdapter({
    name: PROMETHEUS_ADAPTER_NAME, namespace: adapterSpec.namespace, replicas: 2, image: adapterSpec.image, prometheusURL: adapterSpec.prometheusURL,
    metricsRelistInterval: '1m', securePort: 6443, servingCertSecretName: PROMETHEUS_ADAPTER_CERT_SECRET, servingCertPEM: '', caBundle: '',
    config: adapterConfigFrom(adapterSpec, true),
  }),
];
// Cluster Autoscaler (deploy: true, the default service account): the annotated service account, bindings, Deployment.
const ca = withDefaults({ clusterAutoscaler: { roleARN: 'arn:aws:iam::123456789012:role/ca', deploy: true } }).clusterAutoscaler!;
rendered.push(
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: ca.serviceAccount.name, namespace: ca.serviceAccount.namespace } },
  ...renderClusterAutoscaler({
    name: CLUSTER_AUTOSCALER_NAME, namespace: ca.serviceAccount.namespace, serviceAccountName: ca.serviceAccount.name, clusterName: 'demo',
    region: 'us-east-1', image: 'registry.k8s.io/autoscaling/cluster-autoscaler:v1.34.4', scaleDown: ca.scaleDown, owner: 'default',
  }),
);
const requestFor = (o: KubernetesObject, verb: string): Request => ({
  group: groupOf(o.apiVersion ?? ''), resource: resourceOf(o.kind ?? ''), verb, name: o.metadata?.name ?? '', namespace: o.metadata?.namespace,
});

// Built-in roles the rendered bindings refer to, as the apiserver's bootstrap policy defines them.
const BUILTIN_ROLES: Record<string, { namespace?: string; rules: V1PolicyRule[] }> = {
  'system:auth-delegator': { rules: [
    { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
    { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] }] },
  'extension-apiserver-authentication-reader': { namespace: 'kube-system', rules: [
    { apiGroups: [''], resources: ['configmaps'], resourceNames: ['extension-apiserver-authentication'], verbs: ['get', 'list', 'watch'] }] },
};
/** True when the operator holds every permission in `rules` (the apiserver's escalation check, rule by rule). */
const holdsAll = (rules: V1PolicyRule[], namespace?: string) => rules.every((r) => (r.apiGroups ?? []).every((group) => (r.resources ?? []).every((resource) =>
  r.verbs.every((verb) => (r.resourceNames?.length ? r.resourceNames : [undefined]).every((name) => allows({ group, resource, verb, name, namespace }))))));

describe('the chart grants what src/ calls', () => {
  it('lets the informers list and watch every owned kind cluster-wide (they select by label, which RBAC cannot)', () => {
    for (const k of WATCHED_KINDS) {
      for (const verb of ['list', 'watch']) expect(allows({ group: groupOf(k.apiVersion), resource: resourceOf(k.kind), verb }), `${verb} ${k.kind}`).toBe(true);
    }
  });

  it('lets server-side apply create and patch, and cleanup delete, every object the reconcilers render, by name', () => {
    for (const o of rendered) {
      expect(OWNED_KINDS.map((k) => k.kind), 'rendered kinds must be watched').toContain(o.kind);
      for (const verb of ['get', 'create', 'patch', 'delete']) expect(allows(requestFor(o, verb)), `${verb} ${o.kind}/${o.metadata?.name}`).toBe(true);
    }
  });

  it('allows the other calls: MetricsStack finalizer and status, Lease, Events, the ConfigMaps read, nodes and node metrics', () => {
    const calls: Request[] = [
      ...['list', 'watch', 'patch'].map((verb) => ({ group: GROUP, resource: PLURAL, verb })),
      { group: GROUP, resource: `${PLURAL}/status`, verb: 'patch', name: 'default' },
      ...['get', 'update'].map((verb) => ({ group: 'coordination.k8s.io', resource: 'leases', verb, name: 'metricsstack-operator', namespace: NS })),
      { group: 'coordination.k8s.io', resource: 'leases', verb: 'create', namespace: NS },
      ...['create', 'patch'].map((verb) => ({ group: '', resource: 'events', verb, namespace: 'default' })),
      ...['list', 'watch'].map((verb) => ({ group: '', resource: 'configmaps', verb, namespace: EXTENSION_AUTH_CONFIGMAP.namespace })),
      { group: '', resource: 'configmaps', verb: 'get', name: CLUSTER_CA_CONFIGMAP.name, namespace: spec.namespace },
      ...['list', 'watch'].map((verb) => ({ group: '', resource: 'nodes', verb })),
      // The label-selected pod informer of the Fargate verifier.
      ...['list', 'watch'].map((verb) => ({ group: '', resource: 'pods', verb })),
      { group: 'metrics.k8s.io', resource: 'nodes', verb: 'list' },
      { group: '', resource: 'namespaces', verb: 'get', name: adapterSpec.namespace },
    ];
    for (const c of calls) expect(allows(c), JSON.stringify(c)).toBe(true);
  });

  it('holds the rules of every role the rendered bindings and ClusterRoles carry, so no `escalate` is needed', () => {
    for (const o of rendered.filter((r) => r.kind === 'ClusterRole') as V1ClusterRole[]) expect(holdsAll(o.rules ?? []), o.metadata?.name).toBe(true);
    for (const b of rendered.filter((r) => r.kind?.endsWith('Binding')) as V1RoleBinding[]) {
      const builtin = BUILTIN_ROLES[b.roleRef.name];
      const viaBind = allows({ group: 'rbac.authorization.k8s.io', resource: b.roleRef.kind === 'Role' ? 'roles' : 'clusterroles', verb: 'bind', name: b.roleRef.name, namespace: b.metadata?.namespace });
      const held = builtin ? holdsAll(builtin.rules, builtin.namespace) : rendered.some((r) => r.kind === b.roleRef.kind && r.metadata?.name === b.roleRef.name);
      expect(viaBind || held, `${b.kind} ${b.metadata?.name} → ${b.roleRef.name}`).toBe(true);
    }
  });
});

/** Roles some binding gives the operator's ServiceAccount (the chart also ships roles for Cluster Autoscaler). */
const operatorRoles = roles.filter((r) => [...ofKind<V1RoleBinding>('ClusterRoleBinding'), ...ofKind<V1RoleBinding>('RoleBinding')]
  .some((b) => boundToOperator(b) && b.roleRef.kind === r.kind && b.roleRef.name === r.metadata?.name));

describe('the chart grants nothing else', () => {
  const rules = operatorRoles.flatMap((r) => r.rules ?? []);

  it('checks every role the operator is bound to, and only those', () => {
    expect(operatorRoles.length).toBeGreaterThan(0);
    expect(operatorRoles.map((r) => r.metadata?.name)).not.toContain(CLUSTER_AUTOSCALER_CLUSTER_ROLE);
  });

  it('has no wildcard, no escalate or impersonate, and binds only by name', () => {
    for (const r of rules) {
      for (const field of [r.apiGroups, r.resources, r.verbs, r.resourceNames, r.nonResourceURLs]) expect(field ?? []).not.toContain('*');
      expect(r.verbs).not.toEqual(expect.arrayContaining(['escalate']));
      expect(r.verbs).not.toEqual(expect.arrayContaining(['impersonate']));
      if (r.verbs.includes('bind')) expect(r.resourceNames ?? []).not.toHaveLength(0);
    }
  });

  it('writes only the rendered objects by name, plus the MetricsStack, its status, the Lease and Events', () => {
    const unnamed = new Set([`${GROUP}/${PLURAL}:patch`, `${GROUP}/${PLURAL}/status:patch`, 'coordination.k8s.io/leases:create', '/events:create', '/events:patch']);
    const named = new Set([...rendered.map((o) => `${requestFor(o, '').group}/${requestFor(o, '').resource}:${o.metadata?.name}`), 'coordination.k8s.io/leases:metricsstack-operator']);
    for (const r of rules) {
      for (const verb of r.verbs.filter((v) => !['get', 'list', 'watch', 'bind'].includes(v))) {
        for (const key of (r.apiGroups ?? []).flatMap((g) => (r.resources ?? []).map((res) => `${g}/${res}`))) {
          if (r.resourceNames?.length) for (const n of r.resourceNames) expect(named, `${verb} ${key} ${n}`).toContain(`${key}:${n}`);
          else expect(unnamed, `${verb} ${key} (any name)`).toContain(`${key}:${verb}`);
        }
      }
    }
  });

  it('cannot list or watch Secrets anywhere: the serving certificate is read by name', () => {
    for (const verb of ['list', 'watch']) expect(allows({ group: '', resource: 'secrets', verb }), verb).toBe(false);
  });

  it('limits Secrets to the serving certificate: no other Secret can be read by name, changed or deleted', () => {
    for (const verb of ['get', 'create', 'patch', 'update', 'delete']) {
      expect(allows({ group: '', resource: 'secrets', verb, name: 'aws-credentials', namespace: 'kube-system' }), verb).toBe(false);
    }
    expect(allows({ group: '', resource: 'secrets', verb: 'deletecollection', namespace: 'kube-system' })).toBe(false);
  });
});

describe('the Cluster Autoscaler roles the chart ships for deploy: true', () => {
  const caRoles = ofKind<V1ClusterRole>('ClusterRole').filter((r) => [CLUSTER_AUTOSCALER_CLUSTER_ROLE, CLUSTER_AUTOSCALER_STATUS_ROLE].includes(r.metadata?.name ?? ''));

  it('exist under the names the rendered bindings refer to', () => {
    const refs = rendered.filter((o) => o.kind?.endsWith('Binding') && o.metadata?.name === CLUSTER_AUTOSCALER_NAME).map((b) => (b as V1RoleBinding).roleRef.name);
    expect(refs.sort()).toEqual([CLUSTER_AUTOSCALER_CLUSTER_ROLE, CLUSTER_AUTOSCALER_STATUS_ROLE]);
    expect(caRoles.map((r) => r.metadata?.name).sort()).toEqual(refs);
  });

  it('are not bound to the operator, which may only bind them: it never holds pod eviction or node updates itself', () => {
    expect(allows({ group: '', resource: 'pods/eviction', verb: 'create', namespace: 'default' })).toBe(false);
    expect(allows({ group: '', resource: 'nodes', verb: 'update' })).toBe(false);
    for (const name of [CLUSTER_AUTOSCALER_CLUSTER_ROLE, CLUSTER_AUTOSCALER_STATUS_ROLE]) {
      expect(allows({ group: 'rbac.authorization.k8s.io', resource: 'clusterroles', verb: 'bind', name }), name).toBe(true);
      expect(allows({ group: 'rbac.authorization.k8s.io', resource: 'clusterroles', verb: 'create', name }), name).toBe(false);
    }
  });

  it('carry the upstream chart\'s AWS rules: evict pods, update nodes and pod status, its lease and status ConfigMap', () => {
    const grants = (role: V1ClusterRole, group: string, resource: string, verb: string, name?: string) =>
      (role.rules ?? []).some((r) => (r.apiGroups ?? []).includes(group) && (r.resources ?? []).includes(resource) && r.verbs.includes(verb) && (!r.resourceNames?.length || (name !== undefined && r.resourceNames.includes(name))));
    const [cluster, status] = [CLUSTER_AUTOSCALER_CLUSTER_ROLE, CLUSTER_AUTOSCALER_STATUS_ROLE].map((n) => caRoles.find((r) => r.metadata?.name === n)!);
    for (const [group, resource, verb, name] of [
      ['', 'pods/eviction', 'create'], ['', 'nodes', 'update'], ['', 'pods/status', 'update'], ['', 'pods', 'watch'], ['apps', 'statefulsets', 'list'],
      ['storage.k8s.io', 'csinodes', 'get'], ['policy', 'poddisruptionbudgets', 'list'], ['coordination.k8s.io', 'leases', 'update', 'cluster-autoscaler'],
    ] as const) expect(grants(cluster!, group, resource, verb, name), `${resource} ${verb}`).toBe(true);
    expect(grants(status!, '', 'configmaps', 'update', 'cluster-autoscaler-status')).toBe(true);
    expect(grants(status!, '', 'configmaps', 'update', 'other')).toBe(false);
  });
});
