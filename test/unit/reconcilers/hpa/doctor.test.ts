import type { KubernetesObject, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../../../src/api/v1alpha1/defaults.js';
import type { MetricsStackSpec } from '../../../../src/api/v1alpha1/types.js';
import { HpaDoctor } from '../../../../src/reconcilers/hpa/doctor.js';
import type { HpaReads } from '../../../../src/reconcilers/hpa/observe.js';
import { StackContext } from '../../../../src/reconcilers/stack/context.js';

const hpa = (name: string, target: string, metricName?: string): V2HorizontalPodAutoscaler => ({
  metadata: { namespace: 'shop', name, uid: `uid-${name}` },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, maxReplicas: 3,
    metrics: [metricName ? { type: 'Pods', pods: { metric: { name: metricName }, target: { type: 'AverageValue', averageValue: '1' } } }
      : { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] },
});
const web = { spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'app' }] } } } };
const ok = (name: string) => ({ metadata: { name }, spec: { service: { namespace: 'kube-system', name: 'metrics-server' } }, status: { conditions: [{ type: 'Available', status: 'True' }] } });

const T0 = new Date('2026-12-02T12:00:00Z');
const TTL_MS = 600_000;
const later = (ms: number) => new Date(T0.getTime() + ms);

function setup(hpas: V2HorizontalPodAutoscaler[], unscrapedNodes?: ReadonlyMap<string, string>, target: object = web) {
  const calls: string[] = [];
  const events: string[] = [];
  const gauge: string[] = [];
  const gaugeCalls = { n: 0 };
  const reads: HpaReads = {
    read: async <T extends KubernetesObject>(_v: string, kind: string, name: string) => {
      calls.push(`get ${kind}/${name}`);
      const found = kind === 'Deployment' && name === 'web' ? target : kind === 'APIService' && name.includes('custom') && name.startsWith('v1beta2') ? ok(name)
        : kind === 'APIService' && name === 'v1beta1.metrics.k8s.io' ? ok(name) : undefined;
      return found as T | undefined;
    },
    listPods: async (ns) => { calls.push(`list pods ${ns}`); return ns === 'shop' ? [{ spec: { nodeName: 'ip-10-0-1-99.ec2.internal', containers: [] } }] : []; },
    discover: async (group, version) => { calls.push(`discover ${group}/${version}`); return ['pods/http_requests_per_second', 'namespaces/http_requests_per_second']; },
  };
  const doctor = new HpaDoctor({
    hpas: { get: () => undefined, list: () => hpas }, reads, ownFargateNodes: () => [],
    events: { event: async (o, type, reason) => { events.push(`${type} ${o.metadata?.name} ${reason}`); } },
    gauge: { reset: () => { gaugeCalls.n++; gauge.splice(0); }, set: (l, v) => { gaugeCalls.n++; gauge.push(`${l.hpa} ${l.cause} ${v}`); } },
    targetTtlMs: TTL_MS,
  });
  const pass = async (now = T0, spec: MetricsStackSpec = {}, placedIn?: string) => {
    const ctx = new StackContext({ apiVersion: 'metricsstack.io/v1alpha1', kind: 'MetricsStack', metadata: { name: 'default' }, spec }, withDefaults(spec), now, pino({ level: 'silent' }));
    if (placedIn) ctx.placement = { namespace: placedIn, annotateEC2: false, avoidFargateAffinity: false };
    ctx.unscrapedNodes = unscrapedNodes;
    await doctor.reconcile(ctx);
    return ctx;
  };
  return { calls, events, gauge, gaugeCalls, pass };
}

describe('HpaDoctor', () => {
  it('reads each scale target once per pass, discovery once, and lists no pods when no HPA reports missing pod metrics', async () => {
    const t = setup([hpa('web', 'web'), hpa('ghost', 'gone'), hpa('api', 'web', 'http_request_per_second')]);
    await t.pass();
    expect(t.calls.filter((c) => c.startsWith('get Deployment'))).toEqual(['get Deployment/web', 'get Deployment/gone', 'get Deployment/web']);
    expect(t.calls.filter((c) => c.startsWith('discover'))).toEqual(['discover custom.metrics.k8s.io/v1beta2']);
    expect(t.calls.filter((c) => c.startsWith('list'))).toEqual([]);
  });

  it('reads only the APIServices some HPA needs, and nothing at all without HPAs (each read delays the status write)', async () => {
    const none = setup([]);
    const ctx = await none.pass();
    expect(none.calls).toEqual([]);
    expect(ctx.status.workloadAutoscaling?.hpas ?? 0).toBe(0);
    const cpuOnly = setup([hpa('web', 'web')]);
    await cpuOnly.pass();
    expect(cpuOnly.calls.filter((c) => c.startsWith('get APIService'))).toEqual(['get APIService/v1beta1.metrics.k8s.io']);
    const custom = setup([hpa('api', 'web', 'http_requests_per_second')]);
    await custom.pass();
    expect(custom.calls.filter((c) => c.startsWith('get APIService'))).toEqual(['get APIService/v1beta2.custom.metrics.k8s.io']);
  });

  it('reuses a target read while its HPA is unchanged, re-reads an HPA whose conditions moved, and all after the TTL', async () => {
    const hpas = [hpa('web', 'web'), hpa('ghost', 'gone')];
    const t = setup(hpas);
    const gets = () => t.calls.splice(0).filter((c) => c.startsWith('get Deployment'));
    await t.pass();
    expect(gets()).toEqual(['get Deployment/gone', 'get Deployment/web']);
    // A pass every 10 s while a metrics API is unproven: no target is read again.
    const second = await t.pass(later(10_000));
    expect(gets()).toEqual([]);
    expect(second.status.workloadAutoscaling?.causes.map((c) => c.cause)).toEqual(['MissingResourceRequest', 'TargetMissing']);
    // The HPA controller found the target: ghost's conditions changed, its target is read at once.
    hpas[1] = { ...hpas[1]!, status: { desiredReplicas: 1, conditions: [{ type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale' }] } };
    await t.pass(later(20_000));
    expect(gets()).toEqual(['get Deployment/gone']);
    await t.pass(later(TTL_MS + 1));
    expect(gets()).toEqual(['get Deployment/web']);
  });

  it('summarises in status, sets the gauge, and writes each Event once across passes; sets no condition', async () => {
    const t = setup([hpa('web', 'web'), hpa('ghost', 'gone'), hpa('api', 'web', 'http_request_per_second')]);
    const first = await t.pass();
    await t.pass();
    expect(first.status.workloadAutoscaling).toMatchObject({ hpas: 3, healthy: 0 });
    expect(first.status.workloadAutoscaling?.causes.map((c) => [c.cause, c.hpas])).toEqual([
      ['MissingResourceRequest', ['shop/web']], ['TargetMissing', ['shop/ghost']], ['UnknownCustomMetric', ['shop/api']]]);
    expect(first.status.workloadAutoscaling?.causes[2]?.example).toContain('closest listed: http_requests_per_second');
    expect(first.status.conditions ?? []).toEqual([]);
    expect(t.events.sort()).toEqual(['Warning api UnknownCustomMetric', 'Warning ghost TargetMissing', 'Warning web MissingResourceRequest']);
    expect(t.gauge.sort()).toEqual(['api UnknownCustomMetric 1', 'ghost TargetMissing 1', 'web MissingResourceRequest 1']);
  });

  it('writes the gauge again only when the findings changed (every series every pass cost a quiet pass at 1,000 HPAs)', async () => {
    const hpas = [hpa('web', 'web'), hpa('ghost', 'gone')];
    const writes: number[] = [];
    const t = setup(hpas);
    const counted = async (now: Date) => { const before = t.gaugeCalls.n; await t.pass(now); writes.push(t.gaugeCalls.n - before); };
    await counted(T0);
    await counted(later(10_000));
    expect(t.gauge.sort()).toEqual(['ghost TargetMissing 1', 'web MissingResourceRequest 1']);
    expect(writes).toEqual([3, 0]); // a reset and two series, then nothing: the second pass neither reset nor set a series
    hpas.pop(); // ghost deleted: its series goes
    await t.pass(later(20_000));
    expect(t.gauge).toEqual(['web MissingResourceRequest 1']);
  });

  it("compares the APIServices with the stack's spec and placement: metrics-server placed elsewhere makes kube-system's MetricsAPIServedByOther", async () => {
    const healthy = { metadata: { namespace: 'shop', name: 'healthy', uid: 'uid-healthy' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '100m' } } }] } } as V2HorizontalPodAutoscaler;
    const t = setup([healthy]);
    expect((await t.pass(T0, {}, 'kube-system')).status.workloadAutoscaling).toMatchObject({ hpas: 1, healthy: 1 });
    const moved = await t.pass(T0, {}, 'metrics-ec2');
    expect(moved.status.workloadAutoscaling?.causes.map((c) => [c.cause, c.hpas, c.example])).toEqual([['MetricsAPIServedByOther', ['shop/healthy'],
      expect.stringContaining('v1beta1.metrics.k8s.io points at kube-system/metrics-server, not at metrics-ec2/metrics-server that the MetricsStack deploys')]]);
    expect((await t.pass(T0, { resourceMetrics: { provider: 'existing' } })).status.workloadAutoscaling).toMatchObject({ hpas: 1, healthy: 1 });
  });

  it('names the nodes verify found without metrics (ctx.unscrapedNodes) when the HPA reports its pods have none', async () => {
    const noMetrics = { ...hpa('web', 'web'), status: { conditions: [{ type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric',
      message: 'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: ' +
        'no metrics returned from resource metrics API' }] } } as V2HorizontalPodAutoscaler;
    const requests = { ...web, spec: { ...web.spec, template: { spec: { containers: [{ name: 'app', resources: { requests: { cpu: '100m' } } }] } } } };
    const t = setup([noMetrics], new Map([['ip-10-0-1-99.ec2.internal', 'not scraped: kubelet unreachable or not yet scraped twice']]), requests);
    const ctx = await t.pass();
    expect(ctx.status.workloadAutoscaling?.causes.map((c) => [c.cause, c.hpas, c.example])).toEqual([['PodsOnUnreachableNodes', ['shop/web'],
      expect.stringContaining('pods run on nodes metrics-server cannot scrape: ip-10-0-1-99.ec2.internal (not scraped: kubelet unreachable')]]);
  });
});
