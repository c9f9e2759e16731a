/**
 * What src/ calls, for the RBAC tests: everything the reconcilers apply (metrics-server and prometheus-adapter with 2
 * replicas, so with their PDBs, and their serving certificates, pending ones too; Cluster Autoscaler with deploy: true), and every list
 * and watch the informers of src/informers.ts make.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import pino from 'pino';
import type { InformerFactory, InformerSource } from '../../src/controllers/list-watch.js';
import type { ListOptions } from '../../src/kube/client.js';
import { mappingOf } from '../../src/kube/resources.js';
import { stackInformers } from '../../src/informers.js';
import { withDefaults } from '../../src/api/v1alpha1/defaults.js';
import { pendingSecretName } from '../../src/reconcilers/backends/pending-cert.js';
import { METRICS_SERVER_CERT_SECRET } from '../../src/reconcilers/metrics-server/backend.js';
import { PROMETHEUS_ADAPTER_CERT_SECRET, PROMETHEUS_ADAPTER_NAME } from '../../src/reconcilers/prometheus-adapter/backend.js';
import { OWNED_KINDS, ownedKindPath, POD_KIND } from '../../src/reconcilers/stack/owned-kinds.js';
import { CLUSTER_AUTOSCALER_NAME, renderClusterAutoscaler } from '../../src/render/cluster-autoscaler/index.js';
import { METRICS_SERVER_NAME, renderMetricsServer } from '../../src/render/metrics-server/index.js';
import { adapterConfigFrom, renderPrometheusAdapter } from '../../src/render/prometheus-adapter/index.js';
import type { Request } from '../support/chart-rbac.js';
import { adapterSpec } from './render/prometheus-adapter/input.js';

export const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
export const resourceOf = (kind: string): string => {
  const k = [...OWNED_KINDS, POD_KIND].find((o) => o.kind === kind);
  return (k && ownedKindPath(k).split('/').pop()) ?? `<${kind} is not an owned kind>`;
};

export const spec = withDefaults({ metricsServer: { replicas: 2 } }).metricsServer;
export const rendered: KubernetesObject[] = [
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: METRICS_SERVER_CERT_SECRET, namespace: spec.namespace } },
  // A rotation's new certificate, until the served Secret holds it (backends/pending-cert.ts).
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: pendingSecretName(METRICS_SERVER_CERT_SECRET), namespace: spec.namespace } },
  ...renderMetricsServer({
    name: METRICS_SERVER_NAME, namespace: spec.namespace, replicas: spec.replicas, image: spec.image, resources: spec.resources,
    args: [], securePort: 10250, insecureSkipTLSVerify: false, placement: { annotateEC2: false, avoidFargateAffinity: false },
  }),
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: PROMETHEUS_ADAPTER_CERT_SECRET, namespace: adapterSpec.namespace } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: pendingSecretName(PROMETHEUS_ADAPTER_CERT_SECRET), namespace: adapterSpec.namespace } },
  ...renderPrometheusAdapter({
    name: PROMETHEUS_ADAPTER_NAME, namespace: adapterSpec.namespace, replicas: 2, image: adapterSpec.image, prometheusURL: adapterSpec.prometheusURL,
    metricsRelistInterval: '1m', securePort: 6443, servingCertSecretName: PROMETHEUS_ADAPTER_CERT_SECRET, servingCertPEM: '', caBundle: '',
    config: adapterConfigFrom(adapterSpec, true),
  }),
];
// Cluster Autoscaler (deploy: true, the default service account): the annotated service account, bindings, Deployment.
export const ca = withDefaults({ clusterAutoscaler: { roleARN: 'arn:aws:iam::123456789012:role/ca', deploy: true } }).clusterAutoscaler!;
rendered.push(
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: ca.serviceAccount.name, namespace: ca.serviceAccount.namespace } },
  ...renderClusterAutoscaler({
    name: CLUSTER_AUTOSCALER_NAME, namespace: ca.serviceAccount.namespace, serviceAccountName: ca.serviceAccount.name, clusterName: 'demo',
    region: 'us-east-1', image: 'registry.k8s.io/autoscaling/cluster-autoscaler:v1.34.4', scaleDown: ca.scaleDown, owner: 'default',
  }),
);

/** The request that `verb` on a rendered object makes. */
export const requestFor = (o: KubernetesObject, verb: string): Request => ({
  group: groupOf(o.apiVersion ?? ''), resource: resourceOf(o.kind ?? ''), verb, name: o.metadata?.name ?? '', namespace: o.metadata?.namespace,
});

/** The list and the watch of every informer, built as main.ts builds them for `managed` (--managed-namespaces). */
export async function informerRequests(managed: readonly string[] | undefined): Promise<{ list: Request; watch: Request }[]> {
  const sources: InformerSource<KubernetesObject>[] = [];
  const factory = ((s: InformerSource<KubernetesObject>) => {
    sources.push(s);
    return { on: () => undefined };
  }) as unknown as InformerFactory;
  let listed: { apiVersion: string; kind: string; o: ListOptions } | undefined;
  const listKind = async (apiVersion: string, kind: string, o: ListOptions = {}) => {
    listed = { apiVersion, kind, o };
    return { items: [] };
  };
  stackInformers({ objects: { listKind } as never, factory, logger: pino({ level: 'silent' }), enqueue: () => undefined, managedNamespaces: managed });
  const named = (fieldSelector?: string) => /^metadata\.name=(.+)$/.exec(fieldSelector ?? '')?.[1];
  const out: { list: Request; watch: Request }[] = [];
  for (const s of sources) {
    const m = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)$/.exec(s.path);
    if (!m) throw new Error(`unexpected watch path ${s.path}`);
    const watch = { group: m[1] ?? '', resource: m[3]!, verb: 'watch', namespace: m[2], name: named(s.fieldSelector) };
    await s.list();
    const l = listed!;
    const resource = mappingOf(l.apiVersion, l.kind).plural;
    out.push({ watch, list: { group: groupOf(l.apiVersion), resource, verb: 'list', namespace: l.o.namespace, name: named(l.o.fieldSelector) } });
  }
  return out;
}
