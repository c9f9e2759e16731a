import type { KubernetesObject, V1APIService, V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { renderMetricsServer, type MetricsServerRenderInput } from '../../../../src/render/metrics-server/index.js';
import { typicalInput } from './input.js';

const render = (over: Partial<MetricsServerRenderInput> = {}) => renderMetricsServer({ ...typicalInput, ...over });
const find = <T extends KubernetesObject>(objects: KubernetesObject[], kind: string) => objects.find((o) => o.kind === kind) as T | undefined;
const deployment = (objects: KubernetesObject[]) => find<V1Deployment>(objects, 'Deployment')!;
const podSpec = (objects: KubernetesObject[]) => deployment(objects).spec!.template.spec!;

describe('renderMetricsServer', () => {
  it('GIVEN any input, WHEN rendered, THEN objects come in apply order with apiVersion, kind and metadata first', () => {
    const objects = render();
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual([
      'ServiceAccount/metrics-server',
      'ClusterRole/system:metrics-server',
      'ClusterRole/system:metrics-server-aggregated-reader',
      'ClusterRoleBinding/system:metrics-server',
      'ClusterRoleBinding/metrics-server:system:auth-delegator',
      'RoleBinding/metrics-server-auth-reader',
      'Service/metrics-server',
      'Deployment/metrics-server',
      'PodDisruptionBudget/metrics-server',
      'APIService/v1beta1.metrics.k8s.io',
    ]);
    for (const o of objects) expect(Object.keys(o).slice(0, 3)).toEqual(['apiVersion', 'kind', 'metadata']);
  });

  it('GIVEN the same input, WHEN rendered twice, THEN the output is deep-equal, byte-identical and shares no object', () => {
    const [first, second] = [render(), render()];
    expect(second).toStrictEqual(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    podSpec(first).containers[0]!.securityContext!.capabilities!.drop!.push('mutated');
    expect(podSpec(second).containers[0]!.securityContext!.capabilities!.drop).toEqual(['ALL']);
  });

  it('GIVEN 1 replica, WHEN rendered, THEN there is no PodDisruptionBudget and no topology spread', () => {
    const objects = render({ replicas: 1 });
    expect(find(objects, 'PodDisruptionBudget')).toBeUndefined();
    expect(podSpec(objects).topologySpreadConstraints).toBeUndefined();
    expect(deployment(objects).spec!.replicas).toBe(1);
  });

  it('GIVEN 3 replicas, WHEN rendered, THEN pods spread over hostnames best-effort and one must stay available', () => {
    const objects = render({ replicas: 3 });
    expect(podSpec(objects).topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'k8s-app': 'metrics-server' } } },
    ]);
    expect(find(objects, 'PodDisruptionBudget')).toMatchObject({ spec: { minAvailable: 1 } });
  });

  it('GIVEN Fargate placement on, WHEN rendered, THEN pods carry the EC2 annotation and refuse Fargate nodes', () => {
    const objects = render({ placement: { annotateEC2: true, avoidFargateAffinity: true } });
    expect(deployment(objects).spec!.template.metadata!.annotations).toMatchObject({ 'eks.amazonaws.com/compute-type': 'ec2' });
    expect(podSpec(objects).affinity).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'eks.amazonaws.com/compute-type', operator: 'NotIn', values: ['fargate'] }] }],
        },
      },
    });
  });

  it('GIVEN Fargate placement off, WHEN rendered, THEN there is neither annotation nor affinity', () => {
    const objects = render();
    expect(deployment(objects).spec!.template.metadata!.annotations).not.toHaveProperty(['eks.amazonaws.com/compute-type']);
    expect(podSpec(objects).affinity).toBeUndefined();
  });

  it('GIVEN insecureSkipTLSVerify and a CA bundle, WHEN rendered, THEN the APIService skips verification and has no caBundle', () => {
    const spec = find<V1APIService>(render({ insecureSkipTLSVerify: true }), 'APIService')!.spec!;
    expect(spec.insecureSkipTLSVerify).toBe(true);
    expect(spec).not.toHaveProperty('caBundle');
  });

  it('GIVEN a CA bundle, WHEN rendered, THEN the APIService verifies with it and does not skip verification', () => {
    const spec = find<V1APIService>(render(), 'APIService')!.spec!;
    expect(spec.caBundle).toBe(typicalInput.caBundle);
    expect(spec).not.toHaveProperty('insecureSkipTLSVerify');
  });

  it('GIVEN no serving certificate, WHEN rendered, THEN metrics-server keeps --cert-dir=/tmp and nothing is mounted for it', () => {
    const objects = render({ servingCertSecretName: undefined, servingCertPEM: undefined });
    const pod = podSpec(objects);
    expect(pod.containers[0]!.args).toEqual(typicalInput.args);
    expect(pod.volumes!.map((v) => v.name)).toEqual(['tmp', 'kubelet-ca']);
    expect(deployment(objects).spec!.template.metadata).not.toHaveProperty('annotations');
  });

  it('GIVEN a rotated serving certificate, WHEN rendered, THEN the pod template changes so the pods roll', () => {
    const hash = (pem: string) => deployment(render({ servingCertPEM: pem })).spec!.template.metadata!.annotations!['metricsstack.io/serving-cert-sha256'];
    expect(hash('old')).toMatch(/^[0-9a-f]{64}$/);
    expect(hash('new')).not.toBe(hash('old'));
  });

  it('GIVEN no kubelet CA source, WHEN rendered, THEN no kubelet CA is mounted', () => {
    const pod = podSpec(render({ kubeletCASource: undefined }));
    expect(pod.volumes!.map((v) => v.name)).toEqual(['tmp', 'serving-cert']);
    expect(pod.containers[0]!.volumeMounts!.map((m) => m.mountPath)).toEqual(['/tmp', '/etc/metrics-server/serving']);
  });

  it('GIVEN port 10251 for Fargate, WHEN rendered, THEN the container serves there and the Service still listens on 443', () => {
    const objects = render({ securePort: 10251 });
    expect(podSpec(objects).containers[0]!.ports).toEqual([{ name: 'https', containerPort: 10251, protocol: 'TCP' }]);
    expect(find(objects, 'Service')).toMatchObject({ spec: { ports: [{ port: 443, targetPort: 'https' }] } });
  });

  it('GIVEN limits in the spec, WHEN rendered, THEN they appear beside the requests as strings', () => {
    const resources = { requests: { cpu: 1, memory: '200Mi' }, limits: { memory: '500Mi' } };
    expect(podSpec(render({ resources })).containers[0]!.resources).toEqual({
      requests: { cpu: '1', memory: '200Mi' },
      limits: { memory: '500Mi' },
    });
  });
});
