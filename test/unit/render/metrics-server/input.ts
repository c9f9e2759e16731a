/** A typical metrics-server render input: EKS with EC2 nodes, an operator-issued serving certificate, Auto → Verify. */
import type { MetricsServerRenderInput } from '../../../../src/render/metrics-server/index.js';

export const typicalInput: MetricsServerRenderInput = {
  name: 'metrics-server',
  namespace: 'kube-system',
  replicas: 2,
  image: 'registry.k8s.io/metrics-server/metrics-server:v0.8.0',
  resources: { requests: { cpu: '100m', memory: '200Mi' } },
  args: [
    '--cert-dir=/tmp',
    '--secure-port=10250',
    '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
    '--kubelet-use-node-status-port',
    '--metric-resolution=15s',
    '--kubelet-certificate-authority=/etc/metrics-server/kubelet-ca/ca.crt',
  ],
  securePort: 10250,
  servingCertSecretName: 'metrics-server-serving-cert',
  servingCertPEM: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  caBundle: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==',
  insecureSkipTLSVerify: false,
  kubeletCASource: { configMapName: 'kube-root-ca.crt', key: 'ca.crt' },
  placement: { annotateEC2: false, avoidFargateAffinity: false },
};
