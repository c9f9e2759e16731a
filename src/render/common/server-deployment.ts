/**
 * The parts of an extension API server's Deployment that metrics-server and prometheus-adapter share: the Deployment
 * itself (rolled with maxUnavailable 0, so the metrics APIs stay served), the restricted container security context,
 * and the best-effort spread over nodes. Pure builders; each backend supplies its own pod.
 */
import type { V1Container, V1Deployment, V1PodSpec } from '@kubernetes/client-node';

/**
 * The Pod Security Standards "restricted" profile for a container whose only writable path is a /tmp volume;
 * `privileged: false` is the default, written out so that our field manager owns it (see pod-isolation.ts).
 */
export const restrictedSecurityContext = (runAsUser: number): V1Container['securityContext'] => ({
  privileged: false,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser,
  seccompProfile: { type: 'RuntimeDefault' },
});

/** Best effort: with two or more replicas, spread them over nodes; a cluster with one usable node still runs them all. */
export const spreadOverNodes = (replicas: number, selector: Record<string, string>): Pick<V1PodSpec, 'topologySpreadConstraints'> =>
  replicas >= 2
    ? {
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
      ],
    }
    : {};

export interface ServerDeployment {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  readonly replicas: number;
  /** Pod annotations (hashes that roll the pods when what they read at start changes), if any. */
  readonly podAnnotations?: Record<string, string>;
  readonly podSpec: V1PodSpec;
}

/**
 * The Deployment. maxUnavailable 0 keeps the server's APIs served during a rollout. Copies what it places twice: no
 * two parts of the output share a mutable object.
 */
export function renderServerDeployment(d: ServerDeployment): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: d.name, namespace: d.namespace, labels: { ...d.labels } },
    spec: {
      replicas: d.replicas,
      selector: { matchLabels: { ...d.selector } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } },
      template: {
        metadata: { labels: d.labels, ...(d.podAnnotations && { annotations: d.podAnnotations }) },
        spec: d.podSpec,
      },
    },
  };
}
