/** Pieces of the metrics-server pod template: container args, probes, resources, volumes and placement. */
import type { V1Affinity, V1Probe, V1ResourceRequirements, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { MetricsServerRenderInput, MetricsServerResources } from './input.js';
import { HTTPS_PORT_NAME, KUBELET_CA_DIR, KUBELET_CA_FILE, SERVING_CERT_DIR, TMP_DIR } from './paths.js';
import { SERVING_CERT_HASH_ANNOTATION, servingCertHash } from '../common/serving-cert-hash.js';

/** The label Fargate nodes carry, and the pod annotation EKS reads to keep a pod off Fargate. */
export const COMPUTE_TYPE_KEY = 'eks.amazonaws.com/compute-type';

/** The decided args, with `--cert-dir` swapped for the mounted serving certificate when there is one. */
export function containerArgs(input: MetricsServerRenderInput): string[] {
  if (input.servingCertSecretName === undefined) return [...input.args];
  const tls = [`--tls-cert-file=${SERVING_CERT_DIR}/tls.crt`, `--tls-private-key-file=${SERVING_CERT_DIR}/tls.key`];
  const isTLSFlag = (a: string) => /^--(cert-dir|tls-cert-file|tls-private-key-file)(=|$)/.test(a);
  const at = input.args.findIndex(isTLSFlag);
  const rest = input.args.filter((a) => !isTLSFlag(a));
  return at < 0 ? [...rest, ...tls] : [...rest.slice(0, at), ...tls, ...rest.slice(at)];
}

const httpsGet = (path: string) => ({ path, port: HTTPS_PORT_NAME, scheme: 'HTTPS' });

/** The chart's probes: /livez restarts a wedged server; /readyz waits for the first scrape before taking traffic. */
export const livenessProbe = (): V1Probe => ({ httpGet: httpsGet('/livez'), periodSeconds: 10, failureThreshold: 3 });
export const readinessProbe = (): V1Probe => ({
  httpGet: httpsGet('/readyz'),
  initialDelaySeconds: 20,
  periodSeconds: 10,
  failureThreshold: 3,
});

/** Requests always; limits only where the spec sets them. Quantities become strings, as the API returns them. */
export function containerResources(resources: MetricsServerResources): V1ResourceRequirements {
  const list = (r: { cpu?: string | number | undefined; memory?: string | number | undefined }) => ({
    ...(r.cpu !== undefined && { cpu: String(r.cpu) }),
    ...(r.memory !== undefined && { memory: String(r.memory) }),
  });
  const limits = resources.limits ? list(resources.limits) : {};
  return { requests: list(resources.requests), ...(Object.keys(limits).length > 0 && { limits }) };
}

/** Volumes and their mounts, in the same order: /tmp, then the serving certificate, then the kubelet CA. */
export function volumesAndMounts(input: MetricsServerRenderInput): { volumes: V1Volume[]; mounts: V1VolumeMount[] } {
  const volumes: V1Volume[] = [{ name: 'tmp', emptyDir: {} }];
  const mounts: V1VolumeMount[] = [{ name: 'tmp', mountPath: TMP_DIR }];
  if (input.servingCertSecretName !== undefined) {
    volumes.push({ name: 'serving-cert', secret: { secretName: input.servingCertSecretName } });
    mounts.push({ name: 'serving-cert', mountPath: SERVING_CERT_DIR, readOnly: true });
  }
  if (input.kubeletCASource) {
    const file = KUBELET_CA_FILE.slice(KUBELET_CA_DIR.length + 1);
    const { configMapName, key } = input.kubeletCASource;
    volumes.push({ name: 'kubelet-ca', configMap: { name: configMapName, items: [{ key, path: file }] } });
    mounts.push({ name: 'kubelet-ca', mountPath: KUBELET_CA_DIR, readOnly: true });
  }
  return { volumes, mounts };
}

/** Template annotations: EKS's EC2 hint (seed 001) and the serving certificate's hash. */
export function podAnnotations(input: MetricsServerRenderInput): Record<string, string> | undefined {
  const annotations: Record<string, string> = {
    ...(input.placement.annotateEC2 && { [COMPUTE_TYPE_KEY]: 'ec2' }),
    ...(input.servingCertPEM !== undefined && {
      [SERVING_CERT_HASH_ANNOTATION]: servingCertHash(input.servingCertPEM),
    }),
  };
  return Object.keys(annotations).length > 0 ? annotations : undefined;
}

/** Never schedule onto a Fargate node: there metrics-server cannot reach its own node's kubelet (seed 001). */
export function podAffinity(input: MetricsServerRenderInput): V1Affinity | undefined {
  if (!input.placement.avoidFargateAffinity) return undefined;
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: COMPUTE_TYPE_KEY, operator: 'NotIn', values: ['fargate'] }] }],
      },
    },
  };
}
