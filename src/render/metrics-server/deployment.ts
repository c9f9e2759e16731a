/** The metrics-server Deployment: restricted, probed, spread over nodes, and rolled when its certificate changes. */
import type { V1Container, V1Deployment, V1PodSpec } from '@kubernetes/client-node';
import { hostIsolation } from '../common/pod-isolation.js';
import { renderServerDeployment, restrictedSecurityContext, spreadOverNodes } from '../common/server-deployment.js';
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
    securityContext: restrictedSecurityContext(1000),
    volumeMounts: mounts,
  };
  return {
    serviceAccountName: input.name,
    priorityClassName: 'system-cluster-critical',
    ...hostIsolation(),
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    ...(affinity && { affinity }),
    ...spreadOverNodes(input.replicas, selectorLabels(input)),
    containers: [container],
    volumes,
  };
}

/** The metrics-server Deployment. maxUnavailable 0 keeps metrics.k8s.io served during a rollout. */
export function renderMetricsServerDeployment(input: MetricsServerRenderInput): V1Deployment {
  const annotations = podAnnotations(input);
  return renderServerDeployment({
    name: input.name, namespace: input.namespace, labels: commonLabels(input), selector: selectorLabels(input), replicas: input.replicas,
    ...(annotations && { podAnnotations: annotations }), podSpec: podSpec(input),
  });
}
