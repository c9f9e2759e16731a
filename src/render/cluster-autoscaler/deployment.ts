/** The Cluster Autoscaler Deployment for AWS auto-discovery, as the upstream chart renders it for cloudProvider aws. */
import type { V1Deployment } from '@kubernetes/client-node';
import { hostIsolation } from '../common/pod-isolation.js';
import { CA_ENABLED_TAG, caClusterTag } from './discovery-tags.js';
import type { ClusterAutoscalerRenderInput } from './input.js';
import { clusterAutoscalerLabels, clusterAutoscalerSelector } from './labels.js';

/** Port of Cluster Autoscaler's /metrics and /health-check. */
export const CLUSTER_AUTOSCALER_METRICS_PORT = 8085;

/**
 * The container args: AWS, auto-discovery by the two tag keys the reconciler puts on the node groups' ASGs, leader
 * election in its namespace, and the scale-down settings from the spec.
 */
export function clusterAutoscalerArgs(input: ClusterAutoscalerRenderInput): string[] {
  const sd = input.scaleDown;
  return [
    '--cloud-provider=aws',
    `--namespace=${input.namespace}`,
    `--node-group-auto-discovery=asg:tag=${CA_ENABLED_TAG},${caClusterTag(input.clusterName)}`,
    // EKS guidance: node groups of one instance shape scale together; local storage (emptyDir) must not pin nodes.
    '--balance-similar-node-groups=true',
    '--skip-nodes-with-local-storage=false',
    '--expander=least-waste',
    `--scale-down-enabled=${sd.enabled}`,
    `--scale-down-delay-after-add=${sd.delayAfterAdd}`,
    `--scale-down-unneeded-time=${sd.unneededTime}`,
    `--scale-down-utilization-threshold=${sd.utilizationThreshold}`,
    '--logtostderr=true',
    '--stderrthreshold=info',
    '--v=4',
  ];
}

/** One replica with leader election, as upstream: two would only wait on the lease. */
export function renderClusterAutoscalerDeployment(input: ClusterAutoscalerRenderInput): V1Deployment {
  const labels = clusterAutoscalerLabels(input);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: input.name, namespace: input.namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: clusterAutoscalerSelector(input) },
      template: {
        metadata: {
          labels,
          // Evicting Cluster Autoscaler while it scales down would lose its in-flight decisions.
          annotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' },
        },
        spec: {
          serviceAccountName: input.serviceAccountName,
          priorityClassName: 'system-cluster-critical',
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          ...hostIsolation(),
          securityContext: { runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'cluster-autoscaler',
              image: input.image,
              imagePullPolicy: 'IfNotPresent',
              command: ['./cluster-autoscaler'],
              args: clusterAutoscalerArgs(input),
              env: [{ name: 'AWS_REGION', value: input.region }],
              ports: [{ name: 'metrics', containerPort: CLUSTER_AUTOSCALER_METRICS_PORT, protocol: 'TCP' }],
              livenessProbe: { httpGet: { path: '/health-check', port: 'metrics' } },
              resources: { requests: { cpu: '100m', memory: '600Mi' }, limits: { memory: '600Mi' } },
              securityContext: { privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
            },
          ],
        },
      },
    },
  };
}
