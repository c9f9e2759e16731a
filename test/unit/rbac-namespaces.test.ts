/**
 * resourceNames do not scope namespaces: a ClusterRole that lets the operator write Deployment "metrics-server" lets
 * it write that Deployment in every namespace (kube-system included, running as any ServiceAccount there). Namespaced
 * writes therefore come from Roles in the namespaces of the chart value managedNamespaces only, and ConfigMaps are read
 * by name. Checked against the objects the reconcilers render and the informers main.ts starts.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { EXTENSION_AUTH_CONFIGMAP } from '../../src/reconcilers/aggregation/decision.js';
import { WATCHED_KINDS, watchScopes } from '../../src/reconcilers/stack/owned-kinds.js';
import { chartRbac, type ChartRbac } from '../support/chart-rbac.js';
import { groupOf, informerRequests, rendered, requestFor, resourceOf } from './rbac-rendered.js';

const NS = 'ops';
const WRITES = ['create', 'patch', 'update', 'delete'];
const managedOf = (c: ChartRbac) => parseConfig([`--managed-namespaces=${c.arg('--managed-namespaces') ?? ''}`], {}).managedNamespaces!;
/** The rendered objects that live in the namespace the spec chooses (the auth-reader RoleBindings live in kube-system). */
const namespaced = rendered.filter((o) => o.metadata?.namespace && !o.metadata.name?.endsWith('-auth-reader'));
const authReaders = rendered.filter((o) => o.metadata?.name?.endsWith('-auth-reader'));
const moved = (ns: string) => namespaced.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: ns } }));

describe('namespaced writes go through Roles in managedNamespaces', () => {
  const chart = chartRbac(NS);

  it('cannot create, patch or delete a rendered object in another namespace: no Deployment metrics-server in some-app', () => {
    expect(namespaced.length).toBeGreaterThan(10);
    for (const o of moved('some-app')) {
      for (const verb of WRITES) expect(chart.allows(requestFor(o, verb)), `${verb} ${o.kind} some-app/${o.metadata.name}`).toBe(false);
    }
    expect(chart.allows({ group: 'apps', resource: 'deployments', verb: 'create', name: 'metrics-server', namespace: 'some-app' })).toBe(false);
  });

  it('follows the value: managedNamespaces={apps} moves every namespaced write to apps, and out of kube-system and monitoring', async () => {
    const apps = chartRbac(NS, 'managedNamespaces={apps}');
    expect(managedOf(apps)).toEqual(['apps']);
    for (const o of moved('apps')) {
      for (const verb of WRITES.filter((v) => v !== 'update')) expect(apps.allows(requestFor(o, verb)), `${verb} ${o.kind}`).toBe(true);
    }
    for (const ns of ['kube-system', 'monitoring']) {
      for (const o of moved(ns)) expect(apps.allows(requestFor(o, 'create')), `create ${o.kind} ${ns}/${o.metadata.name}`).toBe(false);
    }
    // The aggregation layer's objects stay where Kubernetes keeps them: the auth readers and the preflight's ConfigMap.
    for (const o of authReaders) {
      for (const verb of ['create', 'patch', 'delete']) expect(apps.allows(requestFor(o, verb)), `${verb} ${o.metadata?.name}`).toBe(true);
    }
    for (const verb of ['get', 'list', 'watch']) expect(apps.allows({ group: '', resource: 'configmaps', verb, ...EXTENSION_AUTH_CONFIGMAP }), verb).toBe(true);
    for (const { list, watch } of await informerRequests(managedOf(apps))) for (const r of [list, watch]) expect(apps.allows(r), JSON.stringify(r)).toBe(true);
  });

  it('lists and watches no namespaced owned kind cluster-wide (but Services, held for prometheus-adapter-resource-reader)', () => {
    for (const k of WATCHED_KINDS.filter((w) => w.kind !== 'Service' && watchScopes(w, managedOf(chart)).some((s) => s.namespace))) {
      const request = { group: groupOf(k.apiVersion), resource: resourceOf(k.kind) };
      for (const verb of ['list', 'watch']) expect(chart.allows({ ...request, verb }), `${verb} ${k.kind}`).toBe(false);
    }
  });

  it('never lists or watches ConfigMaps without naming one, and reads no ConfigMap it does not need (kube-system/aws-auth)', () => {
    for (const namespace of [undefined, 'kube-system', 'monitoring', 'some-app']) {
      for (const verb of ['list', 'watch']) expect(chart.allows({ group: '', resource: 'configmaps', verb, namespace }), `${verb} in ${namespace}`).toBe(false);
    }
    for (const verb of ['get', 'list', 'watch']) {
      expect(chart.allows({ group: '', resource: 'configmaps', verb, name: 'aws-auth', namespace: 'kube-system' }), verb).toBe(false);
    }
  });
});
