import type { V1Node, V1Pod } from '@kubernetes/client-node';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../../../src/api/v1alpha1/defaults.js';
import { FargatePlacementVerifier, UNSCHEDULED_RETRY_MS } from '../../../../src/reconcilers/fargate/verifier.js';
import { StackContext } from '../../../../src/reconcilers/stack/context.js';
import { OWNER_LABEL } from '../../../../src/render/common/ownership.js';

const T0 = new Date('2026-12-07T12:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe('FargatePlacementVerifier', () => {
  it('GIVEN metrics-server pods that stay unscheduled, THEN it looks again after 30 s at first and less often the longer that stands; once they are placed it asks for nothing, and a new wait starts at 30 s', async () => {
    const pods: V1Pod[] = [{ metadata: { namespace: 'kube-system', name: 'metrics-server-1', labels: { 'k8s-app': 'metrics-server', [OWNER_LABEL]: 'default' } } }];
    const nodes = new Map<string, V1Node>([['ip-10-0-1-1.ec2.internal', { metadata: { name: 'ip-10-0-1-1.ec2.internal', labels: {} } }]]);
    const verifier = new FargatePlacementVerifier({ get: () => undefined, list: () => pods }, { get: (n) => nodes.get(n), list: () => [...nodes.values()] });
    const pass = async (now: Date) => {
      const ctx = new StackContext({ apiVersion: 'metricsstack.io/v1alpha1', kind: 'MetricsStack', metadata: { name: 'default', uid: 'u1' }, spec: {} }, withDefaults({}), now, pino({ level: 'silent' }));
      ctx.placement = { namespace: 'kube-system', annotateEC2: false, avoidFargateAffinity: false };
      ctx.placementCheck = { reason: 'NotSelectedByFargateProfile', message: 'No Fargate profile selects kube-system.' };
      const r = await verifier.reconcile(ctx);
      return [ctx.status.conditions?.[0]?.reason, r.requeueAfterMs];
    };
    expect(await pass(T0)).toEqual(['PodsNotScheduled', UNSCHEDULED_RETRY_MS]);
    expect(await pass(at(30_000))).toEqual(['PodsNotScheduled', UNSCHEDULED_RETRY_MS]);
    expect(await pass(at(10 * 60_000))).toEqual(['PodsNotScheduled', 150_000]); // stood 10 minutes: a quarter of that
    expect(await pass(at(60 * 60_000))).toEqual(['PodsNotScheduled', 300_000]); // at most 5 minutes
    pods[0] = { ...pods[0]!, spec: { nodeName: 'ip-10-0-1-1.ec2.internal', containers: [] } };
    expect(await pass(at(61 * 60_000))).toEqual(['NotSelectedByFargateProfile', undefined]);
    pods[0] = { metadata: pods[0]!.metadata! };
    expect(await pass(at(62 * 60_000))).toEqual(['PodsNotScheduled', UNSCHEDULED_RETRY_MS]);
  });
});
