/**
 * The chart's RBAC against what src/ calls: every call the operator makes is allowed, every object it renders is
 * writable by name, and nothing else is writable. A renderer that adds an object, or a chart edit that adds a grant,
 * fails here until the two agree again.
 */
import type { V1ClusterRole, V1PolicyRule, V1RoleBinding } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { GROUP, PLURAL } from '../../src/api/v1alpha1/types.js';
import { EXTENSION_AUTH_CONFIGMAP } from '../../src/reconcilers/aggregation/decision.js';
import { CLUSTER_CA_CONFIGMAP } from '../../src/reconcilers/metrics-server/kubelet-tls/facts.js';
import { OWNED_KINDS, POD_KIND, WATCHED_KINDS, watchScopes } from '../../src/reconcilers/stack/owned-kinds.js';
import { CLUSTER_AUTOSCALER_NAME, CLUSTER_AUTOSCALER_CLUSTER_ROLE, CLUSTER_AUTOSCALER_STATUS_ROLE } from '../../src/render/cluster-autoscaler/index.js';
import { chartRbac } from '../support/chart-rbac.js';
import { informerRequests, rendered, requestFor, resourceOf, spec } from './rbac-rendered.js';
import { adapterSpec } from './render/prometheus-adapter/input.js';

const NS = 'ops';
const { ofKind, allows, operatorRoles, arg } = chartRbac(NS);
const managed = parseConfig([`--managed-namespaces=${arg('--managed-namespaces') ?? ''}`], {}).managedNamespaces;

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
  it('lets every informer list and watch where it runs: owned kinds and our pods in each managed namespace, ConfigMaps by name', async () => {
    expect(managed).toEqual(['kube-system', 'monitoring']);
    const requests = await informerRequests(managed);
    // Besides the owned kinds: MetricsStacks and nodes cluster-wide, and the aggregation preflight's one ConfigMap.
    const preflight = (r: (typeof requests)[number]) => r.watch.name === EXTENSION_AUTH_CONFIGMAP.name;
    expect(requests.filter(preflight).map((r) => r.watch)).toEqual([{ group: '', resource: 'configmaps', verb: 'watch', ...EXTENSION_AUTH_CONFIGMAP }]);
    for (const k of [...WATCHED_KINDS, POD_KIND]) {
      const watched = requests.filter((r) => r.watch.resource === resourceOf(k.kind) && !preflight(r))
        .map((r) => ({ namespace: r.watch.namespace, name: r.watch.name }));
      expect(watched, `${k.kind} is watched where watchScopes says`).toEqual(watchScopes(k, managed).map((s) => ({ namespace: s.namespace, name: s.name })));
    }
    for (const { list, watch } of requests) {
      expect({ ...list, verb: 'watch' }, 'the list and the watch of one informer ask for the same objects').toEqual(watch);
      for (const r of [list, watch]) expect(allows(r), JSON.stringify(r)).toBe(true);
    }
  });

  it('lets server-side apply create and patch, and cleanup delete, every object the reconcilers render, by name', () => {
    for (const o of rendered) {
      expect(OWNED_KINDS.map((k) => k.kind), 'rendered kinds must be watched').toContain(o.kind);
      const byName = OWNED_KINDS.find((k) => k.kind === o.kind)?.names;
      if (byName) expect(byName, `${o.kind} is watched by name`).toContain(o.metadata?.name);
      for (const verb of ['get', 'create', 'patch', 'delete']) expect(allows(requestFor(o, verb)), `${verb} ${o.kind}/${o.metadata?.name}`).toBe(true);
    }
  });

  it('allows the other calls: MetricsStack finalizer and status, Lease, Events, the cluster CA read, node metrics, namespaces, a node by name', () => {
    const calls: Parameters<typeof allows>[0][] = [
      { group: GROUP, resource: PLURAL, verb: 'patch' },
      { group: GROUP, resource: `${PLURAL}/status`, verb: 'patch', name: 'default' },
      ...['get', 'update'].map((verb) => ({ group: 'coordination.k8s.io', resource: 'leases', verb, name: 'metricsstack-operator', namespace: NS })),
      { group: 'coordination.k8s.io', resource: 'leases', verb: 'create', namespace: NS },
      ...['create', 'patch'].map((verb) => ({ group: '', resource: 'events', verb, namespace: 'default' })),
      { group: '', resource: 'configmaps', verb: 'get', name: CLUSTER_CA_CONFIGMAP.name, namespace: spec.namespace },
      { group: 'metrics.k8s.io', resource: 'nodes', verb: 'list' },
      { group: '', resource: 'namespaces', verb: 'get', name: adapterSpec.namespace },
      // NodeDetailsSource: a new node's addresses and providerID, read by name.
      { group: '', resource: 'nodes', verb: 'get', name: 'ip-10-0-1-10.ec2.internal' },
    ];
    for (const c of calls) expect(allows(c), JSON.stringify(c)).toBe(true);
  });

  it("allows the HPA doctor's calls in any namespace: HPAs cluster-wide, scale targets and pods read, Events on the HPA", () => {
    const calls: Parameters<typeof allows>[0][] = [
      ...['list', 'watch'].map((verb) => ({ group: 'autoscaling', resource: 'horizontalpodautoscalers', verb })),
      ...['deployments', 'statefulsets', 'replicasets'].map((resource) => ({ group: 'apps', resource, verb: 'get', name: 'web', namespace: 'shop' })),
      { group: '', resource: 'pods', verb: 'list', namespace: 'shop' },
      ...['create', 'patch'].map((verb) => ({ group: '', resource: 'events', verb, namespace: 'shop' })),
      { group: 'apiregistration.k8s.io', resource: 'apiservices', verb: 'get', name: 'v1beta1.external.metrics.k8s.io' },
      { group: '', resource: 'configmaps', verb: 'get', name: 'cluster-autoscaler-status', namespace: 'kube-system' },
    ];
    for (const c of calls) expect(allows(c), JSON.stringify(c)).toBe(true);
    expect(allows({ group: 'apps', resource: 'deployments', verb: 'patch', name: 'web', namespace: 'shop' }), 'scale targets are read, never written').toBe(false);
  });

  it('holds the rules of every role the rendered bindings and ClusterRoles carry, so no `escalate` is needed', () => {
    for (const o of rendered.filter((r) => r.kind === 'ClusterRole') as V1ClusterRole[]) expect(holdsAll(o.rules ?? []), o.metadata?.name).toBe(true);
    for (const b of rendered.filter((r) => r.kind?.endsWith('Binding')) as V1RoleBinding[]) {
      const builtin = BUILTIN_ROLES[b.roleRef.name];
      const viaBind = allows({
        group: 'rbac.authorization.k8s.io', resource: b.roleRef.kind === 'Role' ? 'roles' : 'clusterroles', verb: 'bind',
        name: b.roleRef.name, namespace: b.metadata?.namespace,
      });
      const held = builtin
        ? holdsAll(builtin.rules, builtin.namespace)
        : rendered.some((r) => r.kind === b.roleRef.kind && r.metadata?.name === b.roleRef.name);
      expect(viaBind || held, `${b.kind} ${b.metadata?.name} → ${b.roleRef.name}`).toBe(true);
    }
  });
});

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
    const unnamed = new Set([
      `${GROUP}/${PLURAL}:patch`, `${GROUP}/${PLURAL}/status:patch`, 'coordination.k8s.io/leases:create', '/events:create', '/events:patch',
    ]);
    const named = new Set([
      ...rendered.map((o) => `${requestFor(o, '').group}/${requestFor(o, '').resource}:${o.metadata?.name}`),
      'coordination.k8s.io/leases:metricsstack-operator',
    ]);
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
    for (const namespace of [undefined, 'kube-system', ...managed!]) {
      for (const verb of ['list', 'watch']) expect(allows({ group: '', resource: 'secrets', verb, namespace }), `${verb} in ${namespace}`).toBe(false);
    }
  });

  it('limits Secrets to the serving certificate: no other Secret can be read by name, changed or deleted', () => {
    for (const verb of ['get', 'create', 'patch', 'update', 'delete']) {
      expect(allows({ group: '', resource: 'secrets', verb, name: 'aws-credentials', namespace: 'kube-system' }), verb).toBe(false);
    }
    expect(allows({ group: '', resource: 'secrets', verb: 'deletecollection', namespace: 'kube-system' })).toBe(false);
  });
});

describe('the Cluster Autoscaler roles the chart ships for deploy: true', () => {
  const caRoles = ofKind<V1ClusterRole>('ClusterRole')
    .filter((r) => [CLUSTER_AUTOSCALER_CLUSTER_ROLE, CLUSTER_AUTOSCALER_STATUS_ROLE].includes(r.metadata?.name ?? ''));

  it('exist under the names the rendered bindings refer to', () => {
    const refs = rendered.filter((o) => o.kind?.endsWith('Binding') && o.metadata?.name === CLUSTER_AUTOSCALER_NAME)
      .map((b) => (b as V1RoleBinding).roleRef.name);
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
      (role.rules ?? []).some((r) => (r.apiGroups ?? []).includes(group) && (r.resources ?? []).includes(resource) && r.verbs.includes(verb) &&
        (!r.resourceNames?.length || (name !== undefined && r.resourceNames.includes(name))));
    const [cluster, status] = [CLUSTER_AUTOSCALER_CLUSTER_ROLE, CLUSTER_AUTOSCALER_STATUS_ROLE].map((n) => caRoles.find((r) => r.metadata?.name === n)!);
    for (const [group, resource, verb, name] of [
      ['', 'pods/eviction', 'create'], ['', 'nodes', 'update'], ['', 'pods/status', 'update'], ['', 'pods', 'watch'], ['apps', 'statefulsets', 'list'],
      ['storage.k8s.io', 'csinodes', 'get'], ['policy', 'poddisruptionbudgets', 'list'], ['coordination.k8s.io', 'leases', 'update', 'cluster-autoscaler'],
    ] as const) expect(grants(cluster!, group, resource, verb, name), `${resource} ${verb}`).toBe(true);
    expect(grants(status!, '', 'configmaps', 'update', 'cluster-autoscaler-status')).toBe(true);
    expect(grants(status!, '', 'configmaps', 'update', 'other')).toBe(false);
  });
});
