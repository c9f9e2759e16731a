import type { ConditionType } from '../../api/v1alpha1/conditions.js';
import { durationMs } from '../../api/v1alpha1/schema-helpers.js';
import { METRICS_API_SERVICE_NAME, METRICS_SERVER_NAME, renderMetricsServer } from '../../render/metrics-server/index.js';
import type { BackendPlan, MetricsBackend } from '../backends/backend.js';
import type { StackContext } from '../stack/context.js';
import type { NodeMetricsProbe } from '../../kube/api-probes.js';
import { decideMetricsAPI, unscrapedNodes } from '../backends/metrics-api-decision.js';
import { decideMetricsServerFlags } from './flags/args.js';
import { preferAddressTypes } from './flags/address-types.js';
import { summarizeNodes } from '../platform/node-facts.js';
import type { KubeletTLSFactsSource } from './kubelet-tls/facts.js';
import { ensureServingCert, servingCertApply, type ServingCertSources } from '../backends/serving-cert-step.js';
import { sizeMetricsServerResources } from './sizing.js';
import { tlsCoverage, type CoverageFacts } from '../backends/node-coverage.js';
import { unmanagedNamespace } from '../stack/managed-namespaces.js';

/** Appended to a Conflict over objects another installer owns: the mode that works with them instead. */
export const EXISTING_HINT =
  'Or set spec.resourceMetrics.provider: existing to keep that metrics-server: the operator then deploys nothing for metrics.k8s.io, ' +
  'verifies it and names its misconfigurations with the fix for its installer.';
export const METRICS_SERVER_CERT_SECRET = 'metrics-server-serving-cert';
/** While the metrics API is not yet proven, look again this soon instead of waiting for the resync. */
export const VERIFY_RETRY_MS = 10_000;
/** metrics-server's start and the aggregator's first successful check of it (seen to take up to ~15 s on 2 busy cores). */
const METRICS_SERVER_START_MS = 30_000;

export interface MetricsServerDeps extends ServingCertSources {
  readonly kubeletTLS: KubeletTLSFactsSource;
  /** Lists /apis/metrics.k8s.io/v1beta1/nodes for real. */
  readonly listNodeMetrics: () => Promise<NodeMetricsProbe>;
  /** --managed-namespaces: metrics-server is deployed only into one of them (undefined: any). */
  readonly managedNamespaces?: readonly string[] | undefined;
}

/**
 * provider: metrics-server. Observe (node facts, kubelet certificates, serving certificate) → decide flags (pure) →
 * render (pure); after the apply, verify the APIService and a real node-metrics list.
 */
export class MetricsServerBackend implements MetricsBackend {
  readonly name = 'metrics-server';
  readonly reads = ['nodeFacts', 'placement'] as const;
  readonly provides = ['unscrapedNodes'] as const;

  /** What the last plan learnt about why nodes may lack metrics, for verify's message. */
  private coverage: CoverageFacts = { tlsRejected: [], insecureTLS: false };

  constructor(private readonly d: MetricsServerDeps) {}

  enabled(ctx: StackContext): boolean {
    return ctx.spec.resourceMetrics.provider === 'metrics-server';
  }

  apiServices(): readonly string[] {
    return [METRICS_API_SERVICE_NAME];
  }

  conditionTypes(): readonly ConditionType[] {
    return ['MetricsAPIAvailable'];
  }

  /**
   * metrics-server lists a node once it scraped it twice (CPU is a rate of two samples): up to two metric resolutions
   * after its process started, plus the start itself, which a pod's readiness does not always cover.
   */
  startupGraceMs(ctx: StackContext): number {
    return 2 * durationMs(ctx.spec.metricsServer.metricResolution) + METRICS_SERVER_START_MS;
  }

  clear(ctx: StackContext): void {
    delete ctx.status.metricsServer;
    // prometheus-adapter reports MetricsAPIAvailable itself when it is the resource provider.
    if (ctx.spec.resourceMetrics.provider === 'none') ctx.removeCondition('MetricsAPIAvailable');
  }

  async plan(ctx: StackContext): Promise<BackendPlan> {
    const ms = ctx.spec.metricsServer;
    const facts = ctx.nodeFacts ?? summarizeNodes([]);
    const placement = ctx.need('placement');
    const adopt = { adopt: ms.adoptExisting, adoptField: 'spec.metricsServer.adoptExisting', conflictHint: EXISTING_HINT };
    const field = placement.namespace === ms.namespace ? 'spec.metricsServer.namespace' : 'spec.fargate.namespace';
    const refused = unmanagedNamespace(this.d.managedNamespaces, placement.namespace, field, 'metrics-server');
    if (refused) return { objects: [], ...adopt, rejected: { reason: 'InvalidSpec', message: refused } };
    // Decided once: the kubelets are inspected at the address the flag makes metrics-server dial. Whenever
    // metrics-server verifies (Auto and Verify): Auto chooses the flag from it, and in both a node left without
    // metrics is then named as x509, not as unreachable, as `kubectl metricsstack doctor` names it (it inspects
    // whenever the installed metrics-server verifies). Verify's flags never depend on it.
    const addressTypes = preferAddressTypes(ms.kubeletPreferredAddressTypes, facts.nodeAddressTypes);
    const kubeletTLS = await this.d.kubeletTLS.get(placement.namespace, facts.samples, addressTypes.dialled, ms.kubeletTLS !== 'Insecure');
    const flags = decideMetricsServerFlags(ms, {
      fargateNodes: facts.fargateNodes,
      ec2Nodes: facts.ec2Nodes,
      eks: facts.kind === 'EKS',
      addressTypes,
      kubeletPortsFromNodeStatus: facts.kubeletPortsFromNodeStatus,
      kubeletTLS,
      previousKubeletTLS: previousKubeletTLS(ctx),
    });
    const service = { serviceName: METRICS_SERVER_NAME, namespace: placement.namespace };
    const cert = await ensureServingCert(this.d, {
      secretName: METRICS_SERVER_CERT_SECRET, service, apiServices: this.apiServices(), owner: ctx.name, now: ctx.now, adopt: ms.adoptExisting,
    });
    const sized = sizeMetricsServerResources(ms.resources, facts.ec2Nodes + facts.fargateNodes + facts.otherNodes);
    const { cpu, memory } = sized.resources.requests;
    ctx.status.metricsServer = {
      namespace: placement.namespace, securePort: flags.securePort, flags: flags.choices.map((c) => ({ ...c })),
      resources: { ...(cpu !== undefined && { cpu: String(cpu) }), ...(memory !== undefined && { memory: String(memory) }), reason: sized.reason },
    };
    this.coverage = { ...tlsCoverage(kubeletTLS.certs), insecureTLS: flags.args.includes('--kubelet-insecure-tls') };
    const objects = renderMetricsServer({
      name: METRICS_SERVER_NAME,
      namespace: placement.namespace,
      replicas: ms.replicas,
      image: ms.image,
      resources: sized.resources,
      args: flags.args,
      securePort: flags.securePort,
      servingCertSecretName: METRICS_SERVER_CERT_SECRET,
      servingCertPEM: cert.certPEM,
      caBundle: cert.caBundle,
      insecureSkipTLSVerify: ms.insecureSkipTLSVerify,
      kubeletCASource: flags.kubeletCA,
      placement,
      owner: ctx.name,
    });
    return { ...servingCertApply(ctx, this.name, cert, objects), ...adopt };
  }

  async verify(ctx: StackContext): Promise<{ requeueAfterMs?: number }> {
    const facts = ctx.nodeFacts ?? summarizeNodes([]);
    const apiService = this.d.apiServices.get(METRICS_API_SERVICE_NAME);
    const available = apiService?.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True');
    const probe = available ? await this.d.listNodeMetrics() : undefined;
    const total = facts.ec2Nodes + facts.fargateNodes + facts.otherNodes;
    const coverage = { nodes: facts.nodes, facts: this.coverage };
    const condition = decideMetricsAPI(METRICS_API_SERVICE_NAME, apiService, probe, total, coverage);
    ctx.setCondition(condition);
    ctx.unscrapedNodes = unscrapedNodes(probe, coverage);
    return condition.status === 'True' ? {} : { requeueAfterMs: VERIFY_RETRY_MS };
  }
}

/** The kubelet TLS mode recorded in status by the previous pass, if any. */
function previousKubeletTLS(ctx: StackContext): 'Verify' | 'Insecure' | undefined {
  const flags = ctx.status.metricsServer?.flags ?? [];
  if (flags.some((f) => f.flag === '--kubelet-certificate-authority')) return 'Verify';
  if (flags.some((f) => f.flag === '--kubelet-insecure-tls' && f.value === 'true')) return 'Insecure';
  return undefined;
}
