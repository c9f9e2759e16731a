/**
 * The adapter's configuration file (pkg/config of prometheus-adapter, read with yaml.UnmarshalStrict, so only its
 * own field names may appear) and how the MetricsStack spec maps onto it.
 */
import type { DefaultedMetricsStackSpec } from '../../api/v1alpha1/defaults.js';
import { toYaml } from './yaml.js';
import { byOrdinal } from '../../ordinal.js';

type AdapterSpec = NonNullable<DefaultedMetricsStackSpec['prometheusAdapter']>;
type SpecRule = AdapterSpec['rules'][number];
type SpecResourceRules = NonNullable<AdapterSpec['resourceRules']>;

/** `resources`: series labels → Kubernetes resources, by override or by a `<<.Resource>>` template. */
export type ResourceMapping = {
  readonly overrides?: Readonly<Record<string, { readonly group?: string; readonly resource: string }>>;
  readonly template?: string;
};

/** One discovery rule (`rules[]` and `externalRules[]`). */
export type DiscoveryRule = {
  readonly seriesQuery: string;
  readonly resources?: ResourceMapping;
  readonly name?: { readonly matches?: string; readonly as?: string };
  readonly metricsQuery: string;
};

/** How to compute one resource (cpu or memory) for metrics.k8s.io. */
export type ResourceRule = {
  readonly containerQuery: string;
  readonly nodeQuery: string;
  readonly resources?: ResourceMapping;
  readonly containerLabel: string;
};

/** The whole file. `resourceRules` present means the adapter serves metrics.k8s.io. */
export type AdapterConfig = {
  readonly rules: readonly DiscoveryRule[];
  readonly externalRules: readonly DiscoveryRule[];
  readonly resourceRules?: { readonly cpu: ResourceRule; readonly memory: ResourceRule; readonly window: string };
};

/** The metrics APIs an adapter with this configuration serves (mirrors cmd/adapter: each only when its rules exist). */
export interface ServedAPIs {
  readonly custom: boolean;
  readonly external: boolean;
  readonly resource: boolean;
}

export const servedAPIs = (c: AdapterConfig): ServedAPIs =>
  ({ custom: c.rules.length > 0, external: c.externalRules.length > 0, resource: c.resourceRules !== undefined });

// Fields copied one by one, in the adapter's order: deterministic output, and nothing the adapter would reject.
const mapping = (r: SpecRule['resources']): ResourceMapping | undefined => r && {
  ...(r.overrides && {
    overrides: Object.fromEntries(Object.entries(r.overrides).sort(([a], [b]) => byOrdinal(a, b))
      .map(([label, gr]) => [label, { ...(gr.group !== undefined && { group: gr.group }), resource: gr.resource }])),
  }),
  ...(r.template !== undefined && { template: r.template }),
};

const discoveryRule = (r: SpecRule): DiscoveryRule => {
  const resources = mapping(r.resources);
  return {
    seriesQuery: r.seriesQuery,
    ...(resources && { resources }),
    ...(r.name && { name: { ...(r.name.matches !== undefined && { matches: r.name.matches }), ...(r.name.as !== undefined && { as: r.name.as }) } }),
    metricsQuery: r.metricsQuery,
  };
};

const resourceRule = (r: SpecResourceRules['cpu']): ResourceRule => {
  const resources = mapping(r.resources);
  return { containerQuery: r.containerQuery, nodeQuery: r.nodeQuery, ...(resources && { resources }), containerLabel: r.containerLabel };
};

/** The adapter configuration for a spec; resourceRules only when the adapter is to serve metrics.k8s.io. */
export function adapterConfigFrom(spec: AdapterSpec, serveResourceMetrics: boolean): AdapterConfig {
  const rr = serveResourceMetrics ? spec.resourceRules : undefined;
  return {
    rules: spec.rules.map(discoveryRule),
    externalRules: spec.externalRules.map(discoveryRule),
    ...(rr && { resourceRules: { cpu: resourceRule(rr.cpu), memory: resourceRule(rr.memory), window: rr.window } }),
  };
}

/** The file as the ConfigMap carries it. */
export function renderAdapterConfigFile(config: AdapterConfig): string {
  return toYaml({
    rules: config.rules,
    ...(config.externalRules.length > 0 && { externalRules: config.externalRules }),
    ...(config.resourceRules && { resourceRules: config.resourceRules }),
  });
}
