/** The prometheus-adapter Deployment: restricted, probed, and rolled when its certificate or configuration changes. */
import { createHash } from 'node:crypto';
import type { V1Container, V1Deployment, V1PodDisruptionBudget, V1PodSpec, V1Probe } from '@kubernetes/client-node';
import { renderAdapterConfigFile } from './config.js';
import type { PrometheusAdapterRenderInput } from './input.js';
import { commonLabels, selectorLabels } from './labels.js';
import { CONFIG_DIR, CONFIG_KEY, HTTPS_PORT_NAME, SERVING_CERT_DIR, TMP_DIR } from './paths.js';
import { configMapName } from './service.js';
import { renderServerPodDisruptionBudget } from '../common/extension-apiserver.js';
import { hostIsolation } from '../common/pod-isolation.js';
import { renderServerDeployment, restrictedSecurityContext, spreadOverNodes } from '../common/server-deployment.js';
import { SERVING_CERT_HASH_ANNOTATION, servingCertHash } from '../common/serving-cert-hash.js';

/** Pod annotation with the sha256 of the configuration (the serving certificate's is beside it): the adapter reads both only at start. */
export const CONFIG_HASH_ANNOTATION = 'metricsstack.io/config-sha256';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const httpsGet = (path: string) => ({ path, port: HTTPS_PORT_NAME, scheme: 'HTTPS' });
const livenessProbe = (): V1Probe => ({ httpGet: httpsGet('/livez'), periodSeconds: 10, failureThreshold: 3 });
const readinessProbe = (): V1Probe => ({ httpGet: httpsGet('/readyz'), initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3 });

/** The container args: where Prometheus is, how often to relist, the configuration file and the serving certificate. */
export function adapterArgs(input: PrometheusAdapterRenderInput): string[] {
  return [
    `--prometheus-url=${input.prometheusURL}`,
    `--metrics-relist-interval=${input.metricsRelistInterval}`,
    `--config=${CONFIG_DIR}/${CONFIG_KEY}`,
    `--secure-port=${input.securePort}`,
    `--tls-cert-file=${SERVING_CERT_DIR}/tls.crt`,
    `--tls-private-key-file=${SERVING_CERT_DIR}/tls.key`,
  ];
}

function podSpec(input: PrometheusAdapterRenderInput): V1PodSpec {
  const container: V1Container = {
    name: 'prometheus-adapter',
    image: input.image,
    imagePullPolicy: 'IfNotPresent',
    args: adapterArgs(input),
    ports: [{ name: HTTPS_PORT_NAME, containerPort: input.securePort, protocol: 'TCP' }],
    livenessProbe: livenessProbe(),
    readinessProbe: readinessProbe(),
    resources: { requests: { cpu: '100m', memory: '180Mi' } },
    // The image runs as nobody.
    securityContext: restrictedSecurityContext(65534),
    volumeMounts: [
      { name: 'tmp', mountPath: TMP_DIR },
      { name: 'serving-cert', mountPath: SERVING_CERT_DIR, readOnly: true },
      { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
    ],
  };
  return {
    serviceAccountName: input.name,
    ...hostIsolation(),
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    ...spreadOverNodes(input.replicas, selectorLabels(input)),
    containers: [container],
    volumes: [
      { name: 'tmp', emptyDir: {} },
      { name: 'serving-cert', secret: { secretName: input.servingCertSecretName } },
      { name: 'config', configMap: { name: configMapName(input) } },
    ],
  };
}

/** The Deployment. maxUnavailable 0 keeps the metrics APIs served during a rollout. */
export function renderPrometheusAdapterDeployment(input: PrometheusAdapterRenderInput): V1Deployment {
  return renderServerDeployment({
    name: input.name, namespace: input.namespace, labels: commonLabels(input), selector: selectorLabels(input), replicas: input.replicas,
    podAnnotations: {
      [SERVING_CERT_HASH_ANNOTATION]: servingCertHash(input.servingCertPEM),
      [CONFIG_HASH_ANNOTATION]: sha256(renderAdapterConfigFile(input.config)),
    },
    podSpec: podSpec(input),
  });
}

/** A PodDisruptionBudget with minAvailable 1, or undefined for a single replica (it would block every drain). */
export const renderPrometheusAdapterPodDisruptionBudget = (input: PrometheusAdapterRenderInput): V1PodDisruptionBudget | undefined =>
  renderServerPodDisruptionBudget({
    name: input.name, namespace: input.namespace, labels: commonLabels(input), replicas: input.replicas, selector: selectorLabels(input),
  });
