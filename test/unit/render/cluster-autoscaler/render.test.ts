import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../../../src/api/v1alpha1/defaults.js';
import { clusterAutoscalerArgs, renderClusterAutoscaler, type ClusterAutoscalerRenderInput } from '../../../../src/render/cluster-autoscaler/index.js';

const input = (o: Partial<ClusterAutoscalerRenderInput> = {}): ClusterAutoscalerRenderInput => ({
  name: 'cluster-autoscaler', namespace: 'kube-system', serviceAccountName: 'cluster-autoscaler', clusterName: 'demo', region: 'us-east-1',
  image: 'registry.k8s.io/autoscaling/cluster-autoscaler:v1.34.4', scaleDown: withDefaults({ clusterAutoscaler: {} }).clusterAutoscaler!.scaleDown, owner: 'default', ...o,
});

describe('Cluster Autoscaler rendering', () => {
  it('GIVEN the defaults WHEN rendering args THEN AWS auto-discovery by both tag keys and the default scale-down settings', () => {
    expect(clusterAutoscalerArgs(input())).toEqual([
      '--cloud-provider=aws',
      '--namespace=kube-system',
      '--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/demo',
      '--balance-similar-node-groups=true',
      '--skip-nodes-with-local-storage=false',
      '--expander=least-waste',
      '--scale-down-enabled=true',
      '--scale-down-delay-after-add=10m',
      '--scale-down-unneeded-time=10m',
      '--scale-down-utilization-threshold=0.5',
      '--logtostderr=true',
      '--stderrthreshold=info',
      '--v=4',
    ]);
  });

  it('GIVEN scale-down settings WHEN rendering THEN they become flags', () => {
    const args = clusterAutoscalerArgs(input({ scaleDown: { enabled: false, delayAfterAdd: '5m', unneededTime: '20m', utilizationThreshold: '0.7' } }));
    expect(args).toEqual(expect.arrayContaining(['--scale-down-enabled=false', '--scale-down-delay-after-add=5m', '--scale-down-unneeded-time=20m', '--scale-down-utilization-threshold=0.7']));
  });

  it('GIVEN an input WHEN rendering THEN bindings to the chart\'s roles come before the Deployment', () => {
    const objects = renderClusterAutoscaler(input({ namespace: 'autoscaling', serviceAccountName: 'ca' }));
    expect(objects.map((o) => `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`)).toEqual([
      'ClusterRoleBinding /cluster-autoscaler', 'RoleBinding autoscaling/cluster-autoscaler', 'Deployment autoscaling/cluster-autoscaler',
    ]);
    expect(objects[0]).toMatchObject({ roleRef: { kind: 'ClusterRole', name: 'metricsstack:cluster-autoscaler' }, subjects: [{ kind: 'ServiceAccount', name: 'ca', namespace: 'autoscaling' }] });
    expect(objects[1]).toMatchObject({ roleRef: { kind: 'ClusterRole', name: 'metricsstack:cluster-autoscaler-status' } });
  });

  it('GIVEN an input WHEN rendering the Deployment THEN one replica runs as the service account with the region and labels selectable by owner', () => {
    const d = renderClusterAutoscaler(input())[2] as V1Deployment;
    const pod = d.spec!.template;
    expect(d.spec?.replicas).toBe(1);
    expect(d.spec?.selector).toEqual({ matchLabels: { app: 'cluster-autoscaler' } });
    expect(pod.metadata?.labels).toMatchObject({ app: 'cluster-autoscaler', 'app.kubernetes.io/managed-by': 'metricsstack-operator', 'metricsstack.io/owner': 'default' });
    expect(pod.spec?.serviceAccountName).toBe('cluster-autoscaler');
    expect(pod.spec?.containers[0]).toMatchObject({ image: 'registry.k8s.io/autoscaling/cluster-autoscaler:v1.34.4', command: ['./cluster-autoscaler'], env: [{ name: 'AWS_REGION', value: 'us-east-1' }] });
  });
});
