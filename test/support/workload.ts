import { AppsV1Api, AutoscalingV2Api, type KubeConfig } from '@kubernetes/client-node';

/**
 * A Deployment with CPU requests and an HPA on it (averageUtilization), for the end-to-end test and the demo.
 * kwok runs the pods; their CPU usage is whatever the test sets through kwok's ResourceUsage.
 */
export async function createScaledWorkload(kc: KubeConfig, o: { namespace: string; name: string; cpuRequest: string; min: number; max: number; averageUtilization: number }): Promise<void> {
  const apps = kc.makeApiClient(AppsV1Api);
  const hpa = kc.makeApiClient(AutoscalingV2Api);
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
            // EC2 nodes only: Fargate nodes are tainted, as on EKS.
            containers: [{ name: 'app', image: 'registry.example/app:1', resources: { requests: { cpu: o.cpuRequest, memory: '64Mi' } } }],
          },
        },
      },
    },
  });
  await hpa.createNamespacedHorizontalPodAutoscaler({
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

/** The HPA's view: current and desired replicas, and current CPU utilization (percent), when it has one. */
export async function hpaState(kc: KubeConfig, namespace: string, name: string): Promise<{ current: number; desired: number; utilization?: number }> {
  const h = await kc.makeApiClient(AutoscalingV2Api).readNamespacedHorizontalPodAutoscaler({ namespace, name });
  const cpu = h.status?.currentMetrics?.find((m) => m.resource?.name === 'cpu')?.resource?.current.averageUtilization;
  return { current: h.status?.currentReplicas ?? 0, desired: h.status?.desiredReplicas ?? 0, ...(cpu !== undefined ? { utilization: cpu } : {}) };
}
