import type { KubernetesObject } from '@kubernetes/client-node';
import type { ConditionType } from '../../api/v1alpha1/conditions.js';
import { durationMs } from '../../api/v1alpha1/schema-helpers.js';
import { ownerOf } from '../../kube/labels.js';
import {
  adapterConfigFrom, ADAPTER_SECURE_PORT, CUSTOM_METRICS_API_SERVICES, EXTERNAL_METRICS_API_SERVICE,
  PROMETHEUS_ADAPTER_NAME, renderPrometheusAdapter, RESOURCE_METRICS_API_SERVICE, type PrometheusAdapterRenderInput,
} from '../../render/prometheus-adapter/index.js';
import type { BackendPlan, MetricsBackend } from '../backends/backend.js';
import type { StackContext } from '../stack/context.js';
import type { DiscoveryProbe, NodeMetricsProbe } from '../../kube/api-probes.js';
import { ensureServingCert, servingCertApply, type ServingCertSources } from '../backends/serving-cert-step.js';
import { API_CONDITION, decideAdapterAPI, type AdapterAPI } from './api-decision.js';
import { PROMETHEUS_CHECK_TTL_MS, type PrometheusCheck } from './prometheus-probe.js';
import { validateAdapterRules } from './rules/validate.js';
import { unmanagedNamespace } from '../stack/managed-namespaces.js';

export { PROMETHEUS_ADAPTER_NAME };
export const PROMETHEUS_ADAPTER_CERT_SECRET = 'prometheus-adapter-serving-cert';
/** While an API is not yet proven, look again this soon instead of waiting for the resync. */
const VERIFY_RETRY_MS = 10_000;

export interface PrometheusAdapterDeps extends ServingCertSources {
  /** Whether Prometheus answers at a URL (cached: see PrometheusProbe). */
  readonly checkPrometheus: (url: string) => Promise<PrometheusCheck>;
  /** Lists /apis/<group>/<version> for real. */
  readonly listAPIResources: (group: string, version: string) => Promise<DiscoveryProbe>;
  /** Lists /apis/metrics.k8s.io/v1beta1/nodes for real. */
  readonly listNodeMetrics: () => Promise<NodeMetricsProbe>;
  readonly namespaceExists: (name: string) => Promise<boolean>;
  /** Prometheus cannot be watched: a healthy adapter is verified again this often (--prometheus-check-period). */
  readonly recheckHealthyMs: number;
  /** --managed-namespaces: the adapter is deployed only into one of them (undefined: any). */
  readonly managedNamespaces?: readonly string[] | undefined;
}

type AdapterSpec = NonNullable<StackContext['spec']['prometheusAdapter']>;

/**
 * prometheus-adapter: custom metrics from `rules`, external metrics from `externalRules`, and metrics.k8s.io from
 * `resourceRules` when it is the resource provider. Validate the rules → serving certificate → render; after the apply,
 * check Prometheus and query each API it serves.
 */
export class PrometheusAdapterBackend implements MetricsBackend {
  readonly name = 'prometheus-adapter';

  constructor(private readonly d: PrometheusAdapterDeps) {}

  enabled(ctx: StackContext): boolean {
    const pa = ctx.spec.prometheusAdapter;
    return !!pa && (servesResource(ctx) || pa.rules.length > 0 || pa.externalRules.length > 0);
  }

  apiServices(ctx: StackContext): readonly string[] {
    return apisOf(ctx).flatMap((api) => API_SERVICES[api]);
  }

  conditionTypes(ctx: StackContext): readonly ConditionType[] {
    return apisOf(ctx).map((api) => API_CONDITION[api]);
  }

  /** The adapter lists a metric only after it discovered the series, once per relist interval. */
  startupGraceMs(ctx: StackContext): number {
    return durationMs(ctx.spec.prometheusAdapter!.metricsRelistInterval);
  }

  clear(ctx: StackContext): void {
    ctx.removeCondition(API_CONDITION.custom);
    ctx.removeCondition(API_CONDITION.external);
  }

  async plan(ctx: StackContext): Promise<BackendPlan> {
    const pa = ctx.spec.prometheusAdapter!;
    const adopt = { adopt: pa.adoptExisting, adoptField: 'spec.prometheusAdapter.adoptExisting' };
    const problems = validateAdapterRules(pa, servesResource(ctx));
    if (problems.length > 0) {
      const message = `${problems.length === 1 ? 'A rule does' : `${problems.length} rules do`} not parse, so prometheus-adapter was not ` +
        `deployed or changed: ${problems.join('; ')}.`;
      return { objects: [], ...adopt, rejected: { reason: 'InvalidSpec', message } };
    }
    const refused = unmanagedNamespace(this.d.managedNamespaces, pa.namespace, 'spec.prometheusAdapter.namespace', 'prometheus-adapter');
    if (refused) return { objects: [], ...adopt, rejected: { reason: 'InvalidSpec', message: refused } };
    if (!(await this.d.namespaceExists(pa.namespace))) {
      const message = `Namespace ${pa.namespace} does not exist, so prometheus-adapter was not deployed: create it (kubectl create namespace ` +
        `${pa.namespace}) or set spec.prometheusAdapter.namespace to an existing one.`;
      return { objects: [], ...adopt, rejected: { reason: 'NamespaceNotFound', message, retryAfterMs: VERIFY_RETRY_MS } };
    }
    const cert = await ensureServingCert(this.d, {
      secretName: PROMETHEUS_ADAPTER_CERT_SECRET, service: { serviceName: PROMETHEUS_ADAPTER_NAME, namespace: pa.namespace },
      apiServices: this.apiServices(ctx), owner: ctx.name, now: ctx.now, adopt: pa.adoptExisting,
    });
    const input = renderInput(pa, servesResource(ctx), cert);
    let objects = renderPrometheusAdapter(input);
    if (!servesResource(ctx) && this.servesResourceNow(ctx, input)) objects = freezeWorkload(ctx, objects);
    return { ...servingCertApply(ctx, this.name, cert, objects), ...adopt };
  }

  async verify(ctx: StackContext): Promise<{ requeueAfterMs?: number }> {
    const pa = ctx.spec.prometheusAdapter!;
    const prometheus = await this.d.checkPrometheus(pa.prometheusURL);
    if (!pa.rules.length) ctx.removeCondition(API_CONDITION.custom);
    if (!pa.externalRules.length) ctx.removeCondition(API_CONDITION.external);
    const where = { namespace: pa.namespace, name: PROMETHEUS_ADAPTER_NAME, prometheusURL: pa.prometheusURL, relistInterval: pa.metricsRelistInterval };
    let allTrue = true;
    for (const api of apisOf(ctx)) {
      const apiServices = API_SERVICES[api].map((name) => ({ name, live: this.d.apiServices.get(name) }));
      const available = prometheus.ok && apiServices.every((a) => a.live?.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True'));
      const probe = available ? await this.probe(api) : undefined;
      const condition = decideAdapterAPI(api, { apiServices, prometheus, ...(probe ? { probe } : {}) }, where);
      ctx.setCondition(condition);
      allTrue &&= condition.status === 'True';
    }
    if (allTrue) return { requeueAfterMs: this.d.recheckHealthyMs };
    return { requeueAfterMs: prometheus.ok ? VERIFY_RETRY_MS : PROMETHEUS_CHECK_TTL_MS.failed };
  }

  private probe(api: AdapterAPI): Promise<DiscoveryProbe | NodeMetricsProbe> {
    if (api === 'resource') return this.d.listNodeMetrics();
    return this.d.listAPIResources(api === 'custom' ? 'custom.metrics.k8s.io' : 'external.metrics.k8s.io', 'v1beta1');
  }

  /** Whether this stack's metrics.k8s.io APIService points at the adapter right now (a handover away may be pending). */
  private servesResourceNow(ctx: StackContext, input: PrometheusAdapterRenderInput): boolean {
    const live = this.d.apiServices.get(RESOURCE_METRICS_API_SERVICE);
    const svc = live?.spec?.service;
    return !!live && ownerOf(live) === ctx.name && svc?.name === input.name && svc.namespace === input.namespace;
  }
}

const API_SERVICES: Record<AdapterAPI, readonly string[]> = {
  custom: CUSTOM_METRICS_API_SERVICES, external: [EXTERNAL_METRICS_API_SERVICE], resource: [RESOURCE_METRICS_API_SERVICE],
};

const servesResource = (ctx: StackContext): boolean => ctx.spec.resourceMetrics.provider === 'prometheus-adapter';

/** The APIs this spec asks the adapter for, in the order their conditions are reported. */
function apisOf(ctx: StackContext): AdapterAPI[] {
  const pa = ctx.spec.prometheusAdapter;
  if (!pa) return [];
  return [
    ...(pa.rules.length > 0 ? ['custom' as const] : []),
    ...(pa.externalRules.length > 0 ? ['external' as const] : []),
    ...(servesResource(ctx) ? ['resource' as const] : []),
  ];
}

function renderInput(pa: AdapterSpec, serveResource: boolean, cert: { certPEM: string; caBundle: string }): PrometheusAdapterRenderInput {
  return {
    name: PROMETHEUS_ADAPTER_NAME, namespace: pa.namespace, replicas: pa.replicas, image: pa.image,
    prometheusURL: pa.prometheusURL, metricsRelistInterval: pa.metricsRelistInterval, securePort: ADAPTER_SECURE_PORT,
    servingCertSecretName: PROMETHEUS_ADAPTER_CERT_SECRET, servingCertPEM: cert.certPEM, caBundle: cert.caBundle,
    config: adapterConfigFrom(pa, serveResource),
  };
}

/**
 * metrics.k8s.io is moving from the adapter to metrics-server, and still routes here: the running configuration (with
 * its resourceRules) and pods stay as they are until the APIService points elsewhere, so the adapter keeps serving it.
 */
function freezeWorkload(ctx: StackContext, objects: KubernetesObject[]): KubernetesObject[] {
  const frozen = (o: KubernetesObject) => o.kind === 'ConfigMap' || o.kind === 'Deployment';
  for (const o of objects.filter(frozen)) ctx.recordOwned(o);
  ctx.log.info('metrics.k8s.io still routes to prometheus-adapter: its configuration and pods are kept until the handover');
  return objects.filter((o) => !frozen(o));
}
