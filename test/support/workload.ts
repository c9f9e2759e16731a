import { AppsV1Api, AutoscalingV2Api, type KubeConfig } from '@kubernetes/client-node';

export interface ScaledWorkload {
  namespace: string; name: string; cpuRequest: string; min: number; max: number; averageUtilization: number;
  /** Required pod anti-affinity on the hostname: one pod per node, so that every node kwok reports has usage. */
  onePerNode?: boolean;
}

/**
 * A Deployment with CPU requests and an HPA on it (averageUtilization), for the end-to-end test and the demo.
 * kwok runs the pods; their CPU usage is whatever the test sets through kwok's ResourceUsage.
 */
export async function createScaledWorkload(kc: KubeConfig, o: ScaledWorkload): Promise<void> {
  const apps = kc.makeApiClient(AppsV1Api);
  const labels = { app: o.name };
  await apps.createNamespacedDeployment({
    namespace: o.namespace,
    body: {
      metadata: { name: o.name, labels },
      spec: {
        replicas: o.min,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            ...(o.onePerNode && { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [
              { labelSelector: { matchLabels: labels }, topologyKey: 'kubernetes.io/hostname' }] } } }),
            // EC2 nodes only: Fargate nodes are tainted, as on EKS.
            containers: [{ name: 'app', image: 'registry.example/app:1', resources: { requests: { cpu: o.cpuRequest, memory: '64Mi' } } }],
          },
        },
      },
    },
  });
  await createCpuHpa(kc, o);
}

/** The HPA alone (autoscaling/v2, CPU averageUtilization) on the Deployment of the same name. */
export async function createCpuHpa(kc: KubeConfig, o: Omit<ScaledWorkload, 'cpuRequest' | 'onePerNode'>): Promise<void> {
  await kc.makeApiClient(AutoscalingV2Api).createNamespacedHorizontalPodAutoscaler({
    namespace: o.namespace,
    body: {
      metadata: { name: o.name },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: o.name },
        minReplicas: o.min,
        maxReplicas: o.max,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: o.averageUtilization } } }],
      },
    },
  });
}

/**
 * The HPA's view: current and desired replicas, current CPU utilization (percent) when it has one, and its
 * ScalingActive condition ("False: FailedGetResourceMetric: ..." while it has no metrics), when it has one.
 */
export async function hpaState(kc: KubeConfig, namespace: string, name: string): Promise<{ current: number; desired: number; utilization?: number; scalingActive?: string }> {
  const h = await kc.makeApiClient(AutoscalingV2Api).readNamespacedHorizontalPodAutoscaler({ namespace, name });
  const cpu = h.status?.currentMetrics?.find((m) => m.resource?.name === 'cpu')?.resource?.current.averageUtilization;
  const active = h.status?.conditions?.find((c) => c.type === 'ScalingActive');
  return { current: h.status?.currentReplicas ?? 0, desired: h.status?.desiredReplicas ?? 0, ...(cpu !== undefined ? { utilization: cpu } : {}),
    ...(active ? { scalingActive: `${active.status}: ${active.reason ?? ''}: ${active.message ?? ''}` } : {}) };
}
