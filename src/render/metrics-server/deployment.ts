/** The metrics-server Deployment: restricted, probed, spread over nodes, and rolled when its certificate changes. */
import type { V1Container, V1Deployment, V1PodSpec } from '@kubernetes/client-node';
import type { MetricsServerRenderInput } from './input.js';
import { commonLabels, selectorLabels } from './labels.js';
import { HTTPS_PORT_NAME } from './paths.js';
import {
  containerArgs,
  containerResources,
  livenessProbe,
  podAffinity,
  podAnnotations,
  readinessProbe,
  volumesAndMounts,
} from './pod.js';

// The Pod Security Standards "restricted" profile; /tmp is the only writable path. Built fresh on every render, like
// every object here, so no two outputs share a mutable part.
const restrictedSecurityContext = (): V1Container['securityContext'] => ({
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: 1000,
  seccompProfile: { type: 'RuntimeDefault' },
});

function podSpec(input: MetricsServerRenderInput): V1PodSpec {
  const { volumes, mounts } = volumesAndMounts(input);
  const affinity = podAffinity(input);
  const container: V1Container = {
    name: 'metrics-server',
    image: input.image,
    imagePullPolicy: 'IfNotPresent',
    args: containerArgs(input),
    ports: [{ name: HTTPS_PORT_NAME, containerPort: input.securePort, protocol: 'TCP' }],
    livenessProbe: livenessProbe(),
    readinessProbe: readinessProbe(),
    resources: containerResources(input.resources),
    securityContext: restrictedSecurityContext(),
    volumeMounts: mounts,
  };
  return {
    serviceAccountName: input.name,
    priorityClassName: 'system-cluster-critical',
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    ...(affinity && { affinity }),
    // Best effort: a cluster with one usable node must still run every replica.
    ...(input.replicas >= 2 && {
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: selectorLabels(input) },
        },
      ],
    }),
    containers: [container],
    volumes,
  };
}

/** The metrics-server Deployment. maxUnavailable 0 keeps metrics.k8s.io served during a rollout. */
export function renderMetricsServerDeployment(input: MetricsServerRenderInput): V1Deployment {
  const annotations = podAnnotations(input);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: input.name, namespace: input.namespace, labels: commonLabels(input) },
    spec: {
      replicas: input.replicas,
      selector: { matchLabels: selectorLabels(input) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } },
      template: {
        metadata: { labels: commonLabels(input), ...(annotations && { annotations }) },
        spec: podSpec(input),
      },
    },
  };
}
