/** The declared order of one pass, and the check that rejects a sub-reconciler reading a hand-off before its provider. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../../../src/api/v1alpha1/defaults.js';
import type { MetricsStack } from '../../../../src/api/v1alpha1/types.js';
import type { Applier } from '../../../../src/kube/applier.js';
import type { ObjectClient } from '../../../../src/kube/client.js';
import { BackendReconciler } from '../../../../src/reconcilers/backends/backend.js';
import { AggregationPreflight } from '../../../../src/reconcilers/aggregation/preflight.js';
import { AwsSessionSource, type RegionClients } from '../../../../src/reconcilers/aws/session.js';
import { ClusterAutoscalerReconciler, type ClusterAutoscalerDeps } from '../../../../src/reconcilers/cluster-autoscaler/reconciler.js';
import { HpaDoctor, type HpaDoctorDeps } from '../../../../src/reconcilers/hpa/doctor.js';
import { FargatePlacement, FargatePlacementVerifier } from '../../../../src/reconcilers/fargate/index.js';
import { MetricsServerBackend, type MetricsServerDeps } from '../../../../src/reconcilers/metrics-server/backend.js';
import { PlatformObserver } from '../../../../src/reconcilers/platform/observer.js';
import { PrometheusAdapterBackend, type PrometheusAdapterDeps } from '../../../../src/reconcilers/prometheus-adapter/backend.js';
import { StackContext, type ObjectCache, type SubReconciler } from '../../../../src/reconcilers/stack/context.js';
import { MetricsStackReconciler, type MetricsStackReconcilerDeps } from '../../../../src/reconcilers/stack/metricsstack.js';
import { checkOrder, orderSubReconcilers, type StackSubReconcilers } from '../../../../src/reconcilers/stack/order.js';

const empty: ObjectCache<never> = { get: () => undefined, list: () => [] };
const aws = new AwsSessionSource({ clientsFor: () => ({}) as unknown as RegionClients, apiserverIssuer: async () => '' });
const backendDeps = { applier: {} as Applier, apiServices: empty };

/** The real sub-reconcilers, built as main.ts builds them (their dependencies are never called here). */
const real = (): StackSubReconcilers => ({
  platform: new PlatformObserver(empty, { withDetails: async (nodes) => ({ nodes }) }),
  aggregation: new AggregationPreflight(empty),
  fargatePlacement: new FargatePlacement({ aws, objects: {} as ObjectClient, apiServices: empty }),
  backends: [
    new BackendReconciler(new MetricsServerBackend({} as MetricsServerDeps), backendDeps),
    new BackendReconciler(new PrometheusAdapterBackend({} as PrometheusAdapterDeps), backendDeps),
  ],
  fargateVerifier: new FargatePlacementVerifier(empty, empty),
  clusterAutoscaler: new ClusterAutoscalerReconciler({ aws } as ClusterAutoscalerDeps),
});
const names = (subs: readonly SubReconciler[]): string[] => subs.map((s) => s.name);

describe('orderSubReconcilers', () => {
  it('puts platform first, Fargate placement before the backends and its verifier after them, which the check accepts', () => {
    const subs = orderSubReconcilers(real());
    expect(names(subs)).toEqual([
      'platform', 'aggregation-preflight', 'fargate-placement', 'metrics-server', 'prometheus-adapter', 'fargate-verify', 'cluster-autoscaler',
    ]);
    expect(() => checkOrder(subs)).not.toThrow();
  });
});

describe('checkOrder', () => {
  const r = real();
  const [metricsServer, prometheusAdapter] = r.backends;
  it.each<[string, SubReconciler[], string]>([
    ['metrics-server before the placement it renders', [r.platform, metricsServer!, r.fargatePlacement], 'metrics-server reads ctx.placement'],
    ['the verifier before FargatePlacement', [r.platform, r.fargateVerifier, r.fargatePlacement], 'fargate-verify reads ctx.placement, ctx.placementCheck'],
    ['FargatePlacement before the platform observer', [r.fargatePlacement, r.platform], 'fargate-placement reads ctx.nodeFacts'],
    ['Cluster Autoscaler without the platform observer', [r.aggregation, r.clusterAutoscaler], 'cluster-autoscaler reads ctx.nodeFacts'],
  ])('rejects %s', (_n, subs, message) => {
    expect(() => checkOrder(subs)).toThrow(message);
  });

  it('puts the HPA doctor after the metrics-server backend whose verify hands it the nodes without metrics', () => {
    const doctor = new HpaDoctor({} as HpaDoctorDeps);
    expect(() => checkOrder([doctor, metricsServer!])).toThrow('hpa-doctor reads ctx.unscrapedNodes');
    expect(() => checkOrder(orderSubReconcilers({ ...r, hpaDoctor: doctor }))).not.toThrow();
  });

  it('names the whole order in the error', () => {
    expect(() => checkOrder([r.fargateVerifier, r.platform])).toThrow('(order: fargate-verify → platform)');
  });

  it('accepts sub-reconcilers that read nothing in any order', () => {
    expect(() => checkOrder([prometheusAdapter!, r.aggregation, r.platform])).not.toThrow();
  });
});

describe('MetricsStackReconciler', () => {
  it('refuses to be built with a reader before its provider', () => {
    const r = real();
    const deps = { subs: [r.platform, ...r.backends, r.fargatePlacement], log: pino({ level: 'silent' }) } as unknown as MetricsStackReconcilerDeps;
    expect(() => new MetricsStackReconciler(deps)).toThrow('metrics-server reads ctx.placement before any sub-reconciler provides it');
  });
});

describe('StackContext.need', () => {
  it('returns a hand-off set earlier in the pass and throws on one nobody set', () => {
    const stack: MetricsStack = { apiVersion: 'metricsstack.io/v1alpha1', kind: 'MetricsStack', metadata: { name: 'default' }, spec: {} };
    const ctx = new StackContext(stack, withDefaults({}), new Date(0), pino({ level: 'silent' }));
    expect(() => ctx.need('placement')).toThrow('ctx.placement is read before any sub-reconciler set it this pass');
    ctx.placement = { namespace: 'kube-system', annotateEC2: false, avoidFargateAffinity: false };
    expect(ctx.need('placement').namespace).toBe('kube-system');
  });
});
