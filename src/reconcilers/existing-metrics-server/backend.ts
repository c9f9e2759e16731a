import type { V1APIService } from '@kubernetes/client-node';
import type { ConditionType } from '../../api/v1alpha1/conditions.js';
import type { NodeMetricsProbe } from '../../kube/api-probes.js';
import { METRICS_API_SERVICE_NAME } from '../../render/metrics-server/index.js';
import type { BackendPlan, MetricsBackend } from '../backends/backend.js';
import { decideMetricsAPI, unscrapedNodes } from '../backends/metrics-api-decision.js';
import type { StackContext } from '../stack/context.js';
import { summarizeNodes } from '../platform/node-facts.js';
import type { KubeletTLSFactsSource } from '../metrics-server/kubelet-tls/facts.js';
import { assessExisting } from './assess.js';
import { fixFor } from './fixes.js';
import { describeInstaller } from './installer.js';
import type { ExistingReads } from './observe.js';
import { tlsCoverage } from '../backends/node-coverage.js';

/** Until the API is proven, look again this soon (as metrics-server's backend does). */
const VERIFY_RETRY_MS = 10_000;

export interface ExistingMetricsServerDeps extends ExistingReads {
  /** An uncached read: the APIService cache holds only the operator's own (watched by label), not the installer's. */
  readonly readAPIService: (name: string) => Promise<V1APIService | undefined>;
  readonly kubeletTLS: KubeletTLSFactsSource;
  readonly listNodeMetrics: () => Promise<NodeMetricsProbe>;
}

/**
 * provider: existing. Deploys nothing for metrics.k8s.io: identifies who installed what serves it, verifies it
 * (APIService Available, node coverage), and reports each misconfiguration with the fix in that installer's terms.
 */
export class ExistingMetricsServerBackend implements MetricsBackend {
  readonly name = 'existing metrics-server';
  readonly reads = ['nodeFacts'] as const;
  readonly provides = ['unscrapedNodes'] as const;

  constructor(private readonly d: ExistingMetricsServerDeps) {}

  enabled(ctx: StackContext): boolean {
    return ctx.spec.resourceMetrics.provider === 'existing';
  }

  /** Claims nothing: the APIService is someone else's, and another MetricsStack may watch the same one. */
  apiServices(): readonly string[] {
    return [];
  }

  conditionTypes(): readonly ConditionType[] {
    return ['MetricsAPIAvailable'];
  }

  startupGraceMs(): number {
    return 0;
  }

  clear(ctx: StackContext): void {
    if (ctx.status.metricsServer?.existing) delete ctx.status.metricsServer;
  }

  /** Nothing to apply: an empty plan, so this stack's own earlier metrics-server objects are pruned. */
  plan(): Promise<BackendPlan> {
    return Promise.resolve({ objects: [], adopt: false, adoptField: 'spec.resourceMetrics.provider' });
  }

  async verify(ctx: StackContext): Promise<{ requeueAfterMs?: number }> {
    const facts = ctx.nodeFacts ?? summarizeNodes([]);
    const apiService = await this.d.readAPIService(METRICS_API_SERVICE_NAME);
    const { found, installer, config, ref, kubeletTLS, findings } = await assessExisting(apiService, this.d, this.d.kubeletTLS, facts);
    const namespace = ref.namespace;
    const fixes = findings.map((f) => ({ problem: f.problem, fix: fixFor(installer, f.change, ref, ctx.status.platform?.clusterName ?? facts.clusterName) }));
    ctx.status.metricsServer = {
      ...(found.deployment && { namespace }),
      existing: {
        installer: installer.kind,
        ...(installer.kind === 'Helm' && { release: installer.release }),
        ...(found.deployment && { deployment: `${ref.namespace}/${ref.name}` }),
        findings: fixes.slice(0, 16),
      },
    };
    const available = apiService?.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True');
    const probe = available ? await this.d.listNodeMetrics() : undefined;
    const total = facts.ec2Nodes + facts.fargateNodes + facts.otherNodes;
    const coverage = {
      nodes: facts.nodes, facts: { ...tlsCoverage(kubeletTLS.certs), insecureTLS: config.insecureTLS, metricsServerNodes: found.podNodes },
    };
    const api = decideMetricsAPI(METRICS_API_SERVICE_NAME, apiService, probe, total, coverage);
    ctx.unscrapedNodes = unscrapedNodes(probe, coverage);
    const by = `Served by ${describeInstaller(installer)}${found.deployment ? ` (Deployment ${ref.namespace}/${ref.name})` : ''}`;
    const advice = found.readError ? ` Its configuration was not checked: ${found.readError}.`
      : !found.deployment ? '' : fixes.length === 0 ? ' Its configuration fits this cluster.'
      : ` ${fixes.length} misconfiguration${fixes.length === 1 ? '' : 's'} (status.metricsServer.existing.findings); ` +
        `first: ${fixes[0]!.problem}; fix: ${fixes[0]!.fix}.`;
    // The condition stays the API's verdict; the findings ride in its message and in status, not in Ready.
    ctx.setCondition({ ...api, message: `${by}: ${api.message}${advice}` });
    return api.status === 'True' ? {} : { requeueAfterMs: VERIFY_RETRY_MS };
  }
}
