import type { KubernetesObject, V1APIService } from '@kubernetes/client-node';
import type { Applier } from '../../kube/applier.js';
import { ownerOf } from '../../kube/labels.js';
import { METRICS_API_SERVICE_NAME, renderMetricsServer } from '../../render/metrics-server/index.js';
import { applySet, resourcesAppliedCondition } from '../apply-set.js';
import type { ObjectCache, StackContext, SubReconciler } from '../context.js';
import { decideMetricsAPI, type NodeMetricsProbe } from '../metrics-api-decision.js';
import { decideMetricsServerFlags, preferAddressTypes } from '../metrics-server-flags.js';
import { summarizeNodes } from '../node-facts.js';
import { CLUSTER_CA_CONFIGMAP, type KubeletTLSFactsSource } from './kubelet-tls-facts.js';
import { ensureServingCert, type SecretReader } from './serving-cert-step.js';

export const METRICS_SERVER_NAME = 'metrics-server';
export const METRICS_SERVER_CERT_SECRET = 'metrics-server-serving-cert';
/** While the metrics API is not yet proven, look again this soon instead of waiting for the resync. */
export const VERIFY_RETRY_MS = 10_000;

export interface MetricsServerDeps {
  readonly applier: Applier;
  readonly readSecret: SecretReader;
  readonly apiServices: ObjectCache<V1APIService>;
  readonly kubeletTLS: KubeletTLSFactsSource;
  /** Lists /apis/metrics.k8s.io/v1beta1/nodes for real. */
  readonly listNodeMetrics: () => Promise<NodeMetricsProbe>;
}

/**
 * provider: metrics-server. Observe (node facts, kubelet certificates, serving certificate) → decide flags (pure) →
 * render (pure) → apply with ownership rules → verify the APIService and a real node-metrics list.
 */
export class MetricsServerReconciler implements SubReconciler {
  readonly name = 'metrics-server';

  constructor(private readonly d: MetricsServerDeps) {}

  async reconcile(ctx: StackContext): Promise<{ requeueAfterMs?: number }> {
    if (ctx.spec.resourceMetrics.provider !== 'metrics-server') {
      delete ctx.status.metricsServer;
      if (ctx.spec.resourceMetrics.provider === 'none') ctx.removeCondition('MetricsAPIAvailable');
      return {};
    }
    const claimedBy = this.claimedByOther(ctx);
    if (claimedBy) {
      const message = `APIService ${METRICS_API_SERVICE_NAME} belongs to MetricsStack "${claimedBy}"; only one MetricsStack may serve metrics.k8s.io. Delete this one or set spec.resourceMetrics.provider: none; nothing was changed.`;
      ctx.setCondition({ type: 'ResourcesApplied', status: 'False', reason: 'Conflict', message });
      ctx.setCondition({ type: 'MetricsAPIAvailable', status: 'False', reason: 'Conflict', message });
      return {};
    }
    const ms = ctx.spec.metricsServer;
    const facts = ctx.nodeFacts ?? summarizeNodes([]);
    const addressType = preferAddressTypes(ms.kubeletPreferredAddressTypes, facts.nodeAddressTypes).types[0] ?? 'InternalIP';
    const tls = await this.d.kubeletTLS.get(ms.namespace, facts.samples, addressType, ms.kubeletTLS === 'Auto');
    const flags = decideMetricsServerFlags(ms, {
      fargateNodes: facts.fargateNodes,
      ec2Nodes: facts.ec2Nodes,
      nodeAddressTypes: facts.nodeAddressTypes,
      kubeletPortsFromNodeStatus: facts.kubeletPortsFromNodeStatus,
      kubeletCerts: tls.certs && { inspected: tls.certs.inspected, signedByClusterCA: tls.certs.signedCount, coverAddressType: tls.certs.coveringCount, sampleError: tls.certs.sampleError ?? tls.certs.sampleFetchError },
      clusterCABundlePresent: tls.clusterCAPresent,
    });
    const cert = await ensureServingCert(this.d.readSecret, METRICS_SERVER_CERT_SECRET, { serviceName: METRICS_SERVER_NAME, namespace: ms.namespace }, ctx.name, ctx.now);
    if (cert.issuedBecause) ctx.log.info({ reason: cert.issuedBecause }, 'issued a metrics-server serving certificate');
    const avoidFargate = facts.kind === 'EKS' && ctx.spec.fargate.placement === 'AvoidFargate';
    const objects: KubernetesObject[] = renderMetricsServer({
      name: METRICS_SERVER_NAME,
      namespace: ms.namespace,
      replicas: ms.replicas,
      image: ms.image,
      resources: ms.resources,
      args: flags.args,
      securePort: flags.securePort,
      servingCertSecretName: METRICS_SERVER_CERT_SECRET,
      servingCertPEM: cert.certPEM,
      caBundle: cert.caBundle,
      insecureSkipTLSVerify: ms.insecureSkipTLSVerify,
      kubeletCASource: flags.args.some((a) => a.startsWith('--kubelet-certificate-authority')) ? { configMapName: CLUSTER_CA_CONFIGMAP.name, key: CLUSTER_CA_CONFIGMAP.key } : undefined,
      placement: { annotateEC2: avoidFargate && ctx.spec.fargate.strategy === 'Annotate', avoidFargateAffinity: avoidFargate },
    });
    if (!cert.toApply) ctx.recordOwned({ ...cert.secret, apiVersion: 'v1', kind: 'Secret' });
    const applied = await applySet(this.d.applier, ctx, cert.toApply ? [cert.toApply, ...objects] : objects, { adopt: ms.adoptExisting, adoptField: 'spec.metricsServer.adoptExisting' });
    ctx.setCondition(resourcesAppliedCondition([applied]));
    ctx.status.metricsServer = { namespace: ms.namespace, securePort: flags.securePort, flags: flags.choices.map((c) => ({ ...c })) };
    if (applied.conflicts.length > 0) {
      ctx.setCondition({ type: 'MetricsAPIAvailable', status: 'False', reason: 'Conflict', message: `metrics-server was not (fully) deployed: ${applied.conflicts.join(' ')}` });
      return {};
    }

    const apiService = this.d.apiServices.get(METRICS_API_SERVICE_NAME);
    const available = apiService?.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True');
    const probe = available ? await this.d.listNodeMetrics() : undefined;
    const condition = decideMetricsAPI(METRICS_API_SERVICE_NAME, apiService, probe, facts.ec2Nodes + facts.fargateNodes + facts.otherNodes);
    ctx.setCondition(condition);
    return condition.status === 'True' ? {} : { requeueAfterMs: VERIFY_RETRY_MS };
  }

  /** The metrics.k8s.io APIService already managed by another MetricsStack (our caches hold only managed objects). */
  private claimedByOther(ctx: StackContext): string | undefined {
    const existing = this.d.apiServices.get(METRICS_API_SERVICE_NAME);
    const owner = existing && ownerOf(existing);
    return owner && owner !== ctx.name ? owner : undefined;
  }
}
