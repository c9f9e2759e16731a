/**
 * The rest of the chart, rendered offline with the pinned helm: the CRD copy, values validation with readable
 * messages, and the Deployment's identity, security and probe settings that the RBAC and the operator rely on.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubernetesObject, V1ClusterRole, V1Container, V1Deployment, V1ServiceAccount } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CRD_FILE } from '../../src/api/v1alpha1/crd.js';
import { withDefaults } from '../../src/api/v1alpha1/defaults.js';
import type { MetricsStackSpec } from '../../src/api/v1alpha1/types.js';
import { GROUP, PLURAL } from '../../src/api/v1alpha1/types.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../src/render/common/ownership.js';
import { CHART as chart, helmTemplate, renderChart } from '../support/chart-rbac.js';

const helm = (...set: string[]) => helmTemplate('ops', ...set);
const render = (...set: string[]) => renderChart('ops', ...set);
const find = <T,>(objects: KubernetesObject[], kind: string) => objects.find((o) => o.kind === kind) as T | undefined;
const container = (objects: KubernetesObject[]): V1Container => find<V1Deployment>(objects, 'Deployment')!.spec!.template.spec!.containers[0]!;
const arg = (c: V1Container, flag: string) => c.args?.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);

describe('the chart', () => {
  it('ships a CRD identical to crds/ (run `cp crds/*.yaml charts/metricsstack-operator/crds/` after `npm run gen:crd`)', () => {
    expect(readFileSync(join(chart, 'crds', 'metricsstack.io_metricsstacks.yaml'), 'utf8')).toBe(readFileSync(CRD_FILE, 'utf8'));
  });

  it.each([
    ['replicaCount=0', /replicaCount.*minimum/s],
    ['replicas=2', /additional propert.*replicas/s],
    ['logLevel=verbose', /logLevel/],
    ['image.digest=sha256:abc', /digest.*pattern/s],
    ['resyncPeriod=ten', /resyncPeriod.*pattern/s],
    ['hpaLimitedAfter=10min', /hpaLimitedAfter.*pattern/s],
    ['ports.metrics=80', /metrics.*minimum/s],
    ['serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=arn:aws:iam::1234:role/x', /role-arn.*pattern/s],
    ['replicaCount=2,leaderElection.enabled=false', /two operators would reconcile the same MetricsStack at once/],
    ['ports.health=8080', /need different ports/],
    ['serviceAccount.create=false', /serviceAccount.name must name the existing ServiceAccount/],
    ['extraEnv[0].name=POD_NAME,extraEnv[0].value=x', /extraEnv sets POD_NAME, which the chart sets from the downward API/],
    ['managedNamespaces={Kube_System}', /managedNamespaces.*pattern/s],
    ['managedNamespaces={}', /managedNamespaces/],
  ])('rejects %s and names the value', (set, message) => {
    const r = helm(set);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });

  it('runs 2 leader-electing replicas as the numeric nonroot user under Pod Security "restricted"', () => {
    const objects = render();
    const d = find<V1Deployment>(objects, 'Deployment')!;
    const pod = d.spec!.template.spec!;
    const c = container(objects);
    expect(d.spec?.replicas).toBe(2);
    expect(arg(c, '--leader-elect')).toBe('true');
    expect(arg(c, '--leader-election-namespace')).toBe('ops');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(c.env?.map((e) => [e.name, e.valueFrom?.fieldRef?.fieldPath])).toEqual([['POD_NAME', 'metadata.name'], ['POD_NAMESPACE', 'metadata.namespace']]);
    expect(pod.topologySpreadConstraints?.map((t) => t.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    expect(find(objects, 'PodDisruptionBudget')).toMatchObject({ spec: { maxUnavailable: 1 } });
    expect(find(render('replicaCount=1'), 'PodDisruptionBudget')).toBeUndefined();
  });

  it('probes /healthz and /readyz on the port --health-probe-bind-address serves, and exposes --metrics-bind-address', () => {
    const c = container(render('ports.health=9440', 'ports.metrics=9441'));
    expect(arg(c, '--health-probe-bind-address')).toBe('0.0.0.0:9440');
    expect(arg(c, '--metrics-bind-address')).toBe('0.0.0.0:9441');
    expect(c.ports).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: 'health', containerPort: 9440 }),
      expect.objectContaining({ name: 'metrics', containerPort: 9441 }),
    ]));
    expect(c.livenessProbe?.httpGet).toMatchObject({ path: '/healthz', port: 'health' });
    expect(c.readinessProbe?.httpGet).toMatchObject({ path: '/readyz', port: 'health' });
  });

  it('puts the IRSA role on the ServiceAccount and pins the image by digest when given', () => {
    const arn = 'arn:aws:iam::123456789012:role/metricsstack-operator';
    const digest = `sha256:${'a'.repeat(64)}`;
    const objects = render(`serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=${arn}`, `image.digest=${digest}`);
    expect(find<V1ServiceAccount>(objects, 'ServiceAccount')?.metadata?.annotations).toEqual({ 'eks.amazonaws.com/role-arn': arn });
    expect(container(objects).image).toBe(`ghcr.io/metricsstack/metricsstack-operator@${digest}`);
    expect(container(render()).image).toBe('ghcr.io/metricsstack/metricsstack-operator:0.1.0');
  });

  it('makes the default MetricsStack only on request, in a later Argo CD wave than the CRD, and keeps it on uninstall', () => {
    expect(find(render(), 'MetricsStack')).toBeUndefined();
    const objects = render('defaultStack.enabled=true', 'defaultStack.spec.metricsServer.kubeletTLS=Insecure');
    const stack = find<KubernetesObject & { spec: unknown }>(objects, 'MetricsStack')!;
    expect(stack.metadata?.annotations).toEqual({
      'argocd.argoproj.io/sync-wave': '1',
      'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true,Delete=false',
      'helm.sh/resource-policy': 'keep',
    });
    expect(stack.spec).toEqual({ metricsServer: { kubeletTLS: 'Insecure' } });
  });

  it('scrapes the Service port by name from an optional ServiceMonitor', () => {
    expect(find(render(), 'ServiceMonitor')).toBeUndefined();
    const sm = find<KubernetesObject & { spec: { endpoints: { port: string }[] } }>(render('serviceMonitor.enabled=true'), 'ServiceMonitor')!;
    const svc = find<KubernetesObject & { spec: { ports: { name: string }[] } }>(render(), 'Service')!;
    expect(sm.spec.endpoints[0]?.port).toBe(svc.spec.ports[0]?.name);
  });

  it("never labels its own objects as the operator's children, which the operator would watch and prune", () => {
    for (const o of render('defaultStack.enabled=true', 'serviceMonitor.enabled=true')) {
      expect(o.metadata?.labels?.[MANAGED_BY_LABEL], `${o.kind}/${o.metadata?.name}`).not.toBe(MANAGED_BY_VALUE);
    }
  });

  it('passes managedNamespaces as --managed-namespaces; the default covers the namespaces of every sample and example', () => {
    expect(arg(container(render()), '--managed-namespaces')).toBe('kube-system,monitoring');
    expect(arg(container(render('managedNamespaces={monitoring,apps}')), '--managed-namespaces')).toBe('monitoring,apps');
    // A release upgraded with --reuse-values from a chart without the value: the default, not an empty flag.
    expect(arg(container(render('managedNamespaces=null')), '--managed-namespaces')).toBe('kube-system,monitoring');
    expect(parse(readFileSync(join(chart, 'values.yaml'), 'utf8'))).toMatchObject({ managedNamespaces: ['kube-system', 'monitoring'] });
    const root = join(chart, '..', '..');
    const files = [...readdirSync(join(root, 'config', 'samples')).map((f) => join(root, 'config', 'samples', f)), join(root, 'examples', 'metricsstack.yaml')];
    for (const file of files) {
      const s = withDefaults((parse(readFileSync(file, 'utf8')) as { spec: MetricsStackSpec }).spec);
      const targeted = [
        s.resourceMetrics.provider === 'metrics-server' ? s.metricsServer.namespace : undefined, s.prometheusAdapter?.namespace,
        s.fargate.strategy === 'Namespace' ? s.fargate.namespace : undefined, s.clusterAutoscaler?.serviceAccount.namespace,
      ].filter((n) => n !== undefined);
      for (const ns of targeted) expect(['kube-system', 'monitoring'], `${file}: ${ns}`).toContain(ns);
    }
  });

  it('ships aggregated ClusterRoles: viewing MetricsStacks for view/edit/admin, writing them for admin only (it picks images and namespaces)', () => {
    const objects = render();
    const role = (suffix: string) =>
      objects.find((o) => o.kind === 'ClusterRole' && o.metadata?.name === `ms-metricsstack-operator-${suffix}`) as V1ClusterRole;
    const aggregates = (r: V1ClusterRole) =>
      Object.keys(r.metadata?.labels ?? {}).filter((l) => l.startsWith('rbac.authorization.k8s.io/aggregate-to-')).sort();
    const view = role('view');
    const edit = role('edit');
    expect(aggregates(view)).toEqual(['admin', 'edit', 'view'].map((r) => `rbac.authorization.k8s.io/aggregate-to-${r}`));
    expect(view.rules).toEqual([{ apiGroups: [GROUP], resources: [PLURAL, `${PLURAL}/status`], verbs: ['get', 'list', 'watch'] }]);
    expect(aggregates(edit)).toEqual(['rbac.authorization.k8s.io/aggregate-to-admin']);
    const writes = ['create', 'update', 'patch', 'delete', 'deletecollection'];
    expect(edit.rules).toEqual([{ apiGroups: [GROUP], resources: [PLURAL], verbs: ['get', 'list', 'watch', ...writes] }]);
    // Users' roles, bound to no one by the chart.
    for (const b of objects.filter((o) => o.kind?.endsWith('Binding')) as (KubernetesObject & { roleRef: { name: string } })[]) {
      expect([view, edit].map((r) => r.metadata?.name)).not.toContain(b.roleRef.name);
    }
  });
});
