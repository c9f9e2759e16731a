/**
 * The rest of the chart, rendered offline with the pinned helm: the CRD copy, values validation with readable
 * messages, and the Deployment's identity, security and probe settings that the RBAC and the operator rely on.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubernetesObject, V1Container, V1Deployment, V1ServiceAccount } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CRD_FILE } from '../../src/api/v1alpha1/crd.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../src/render/common/ownership.js';
import { resolveBinDir } from '../support/cluster-args.js';

const chart = fileURLToPath(new URL('../../charts/metricsstack-operator', import.meta.url));
const helm = (...set: string[]) =>
  spawnSync(join(resolveBinDir(), 'helm'), ['template', 'ms', chart, '-n', 'ops', ...set.flatMap((s) => ['--set', s])], { encoding: 'utf8' });
function render(...set: string[]): KubernetesObject[] {
  const r = helm(...set);
  if (r.status !== 0) throw new Error(`helm template failed: ${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as KubernetesObject | null).filter((o): o is KubernetesObject => !!o);
}
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
    ['ports.metrics=80', /metrics.*minimum/s],
    ['serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=arn:aws:iam::1234:role/x', /role-arn.*pattern/s],
    ['replicaCount=2,leaderElection.enabled=false', /two operators would reconcile the same MetricsStack at once/],
    ['ports.health=8080', /need different ports/],
    ['serviceAccount.create=false', /serviceAccount.name must name the existing ServiceAccount/],
    ['extraEnv[0].name=POD_NAME,extraEnv[0].value=x', /extraEnv sets POD_NAME, which the chart sets from the downward API/],
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
});
