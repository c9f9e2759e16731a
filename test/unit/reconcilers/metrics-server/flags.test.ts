import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../../../src/api/v1alpha1/index.js';
import type { MetricsServerSpec } from '../../../../src/api/v1alpha1/index.js';
import {
  decideMetricsServerFlags,
  preferAddressTypes,
  type ClusterFacts,
} from '../../../../src/reconcilers/metrics-server/flags.js';

const CA = '/etc/metrics-server/kubelet-ca/ca.crt';
const spec = (ms: MetricsServerSpec = {}) => withDefaults({ metricsServer: ms }).metricsServer;
/** An EC2-only EKS cluster whose kubelets have cluster-CA-signed certificates naming their InternalIP. */
const ec2Cluster: ClusterFacts = {
  fargateNodes: 0,
  eks: false,
  ec2Nodes: 3,
  nodeAddressTypes: ['InternalIP', 'Hostname', 'InternalDNS'],
  kubeletPortsFromNodeStatus: true,
  kubeletCerts: { inspected: 3, signedByClusterCA: 3, coverAddressType: 3 },
  clusterCABundlePresent: true,
};
const certs = (signedByClusterCA: number, coverAddressType: number, sampleError?: string) => ({
  kubeletCerts: { inspected: 3, signedByClusterCA, coverAddressType, ...(sampleError && { sampleError }) },
});

describe('decideMetricsServerFlags', () => {
  it('gives the full arg list for an EC2 cluster whose kubelet certificates verify', () => {
    const got = decideMetricsServerFlags(spec(), ec2Cluster);
    expect(got.args).toEqual([
      '--cert-dir=/tmp',
      '--secure-port=10250',
      '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
      '--kubelet-use-node-status-port',
      '--metric-resolution=15s',
      `--kubelet-certificate-authority=${CA}`,
    ]);
    expect(got.securePort).toBe(10250);
    expect(got.choices.map((c) => c.flag)).toEqual([
      '--cert-dir',
      '--secure-port',
      '--kubelet-preferred-address-types',
      '--kubelet-use-node-status-port',
      '--metric-resolution',
      '--kubelet-certificate-authority',
    ]);
  });

  const cases: {
    name: string;
    ms?: MetricsServerSpec;
    facts?: Partial<ClusterFacts>;
    has?: string[];
    lacks?: string[];
    choice: { flag: string; value: string; reason: RegExp };
  }[] = [
    {
      name: 'serves on 10251 when the cluster has Fargate nodes, because EKS reserves 10250 there',
      facts: { fargateNodes: 2, eks: true },
      has: ['--secure-port=10251'],
      choice: { flag: '--secure-port', value: '10251', reason: /2 Fargate nodes now.*reserve port 10250.*10251.*AWS's own/ },
    },
    {
      name: 'keeps 10251 on EKS while no Fargate pod runs, so the port does not flip as Fargate pods come and go',
      facts: { fargateNodes: 0, eks: true },
      has: ['--secure-port=10251'],
      choice: { flag: '--secure-port', value: '10251', reason: /This is EKS \(0 Fargate nodes now\)/ },
    },
    {
      name: 'serves on 10251 on an all-Fargate cluster too',
      facts: { fargateNodes: 1, ec2Nodes: 0 },
      has: ['--secure-port=10251'],
      choice: { flag: '--secure-port', value: '10251', reason: /This is EKS \(1 Fargate node now\)/ },
    },
    {
      name: 'serves on 10250 when no node is on Fargate',
      has: ['--secure-port=10250'],
      choice: { flag: '--secure-port', value: '10250', reason: /Not EKS/ },
    },
    {
      name: "keeps the spec's address order when the nodes report its first type",
      facts: { nodeAddressTypes: ['Hostname', 'InternalIP', 'ExternalIP'] },
      choice: { flag: '--kubelet-preferred-address-types', value: 'InternalIP,ExternalIP,Hostname', reason: /Nodes report InternalIP,ExternalIP,Hostname.*by InternalIP/ },
    },
    {
      name: 'moves the types no node reports last, so the first type is the one really used',
      facts: { nodeAddressTypes: ['Hostname'] },
      choice: { flag: '--kubelet-preferred-address-types', value: 'Hostname,InternalIP,ExternalIP', reason: /Nodes report Hostname.*by Hostname.*InternalIP,ExternalIP, which no node reports, move last/ },
    },
    {
      name: "puts the nodes' own types first when they report none of the spec's",
      ms: { kubeletPreferredAddressTypes: ['ExternalIP', 'ExternalDNS'] },
      facts: { nodeAddressTypes: ['Hostname', 'InternalIP'] },
      choice: { flag: '--kubelet-preferred-address-types', value: 'InternalIP,Hostname,ExternalIP,ExternalDNS', reason: /only InternalIP,Hostname, none of .*would find no address/ },
    },
    {
      name: "keeps the spec's address order when no node reports an address yet",
      facts: { nodeAddressTypes: [] },
      choice: { flag: '--kubelet-preferred-address-types', value: 'InternalIP,ExternalIP,Hostname', reason: /No node reports an address yet/ },
    },
    {
      name: 'uses the node status port when nodes report their kubelet port',
      has: ['--kubelet-use-node-status-port'],
      choice: { flag: '--kubelet-use-node-status-port', value: 'true', reason: /daemonEndpoints.*instead of assuming 10250/ },
    },
    {
      name: 'leaves the node status port off when nodes do not report one',
      facts: { kubeletPortsFromNodeStatus: false },
      lacks: ['--kubelet-use-node-status-port'],
      choice: { flag: '--kubelet-use-node-status-port', value: 'false', reason: /do not report.*default 10250/ },
    },
    {
      name: "takes the metric resolution from the spec",
      ms: { metricResolution: '30s' },
      has: ['--metric-resolution=30s'],
      choice: { flag: '--metric-resolution', value: '30s', reason: /every 30s/ },
    },
    {
      name: 'verifies kubelets against the mounted cluster CA when the spec says Verify, whatever the certificates',
      ms: { kubeletTLS: 'Verify' },
      facts: certs(0, 0),
      has: [`--kubelet-certificate-authority=${CA}`],
      lacks: ['--kubelet-insecure-tls'],
      choice: { flag: '--kubelet-certificate-authority', value: CA, reason: /is Verify, so .*cluster CA mounted at/ },
    },
    {
      name: "verifies with the service account's CA when the spec says Verify but no CA bundle exists to mount",
      ms: { kubeletTLS: 'Verify' },
      facts: { clusterCABundlePresent: false },
      lacks: ['--kubelet-insecure-tls', `--kubelet-certificate-authority=${CA}`],
      choice: { flag: '--kubelet-insecure-tls', value: 'false', reason: /no cluster CA bundle.*service account's CA/ },
    },
    {
      name: 'skips kubelet verification when the spec says Insecure, even with good certificates',
      ms: { kubeletTLS: 'Insecure' },
      has: ['--kubelet-insecure-tls'],
      lacks: [`--kubelet-certificate-authority=${CA}`],
      choice: { flag: '--kubelet-insecure-tls', value: 'true', reason: /is Insecure/ },
    },
    {
      name: 'Auto verifies when every certificate is signed by the cluster CA and names the address used',
      has: [`--kubelet-certificate-authority=${CA}`],
      choice: { flag: '--kubelet-certificate-authority', value: CA, reason: /All 3 .*signed by the cluster CA and name the node's InternalIP address/ },
    },
    {
      name: 'Auto predicts "certificate signed by unknown authority" for self-signed kubelet certificates',
      facts: certs(1, 3, 'x509: certificate signed by unknown authority'),
      has: ['--kubelet-insecure-tls'],
      choice: { flag: '--kubelet-insecure-tls', value: 'true', reason: /2 of 3 .*not signed by the cluster CA.*"x509: certificate signed by unknown authority" \(seen: x509/ },
    },
    {
      name: 'Auto predicts seed 004\'s "certificate is valid for …, not …" when certificates lack the address used',
      facts: { ...certs(3, 2), nodeAddressTypes: ['Hostname'] },
      has: ['--kubelet-insecure-tls'],
      choice: { flag: '--kubelet-insecure-tls', value: 'true', reason: /1 of 3 .*do not name the node's Hostname address, so .*"x509: certificate is valid for …, not …"; Auto/ },
    },
    {
      name: 'Auto reports the name mismatch first when certificates are both self-signed and lack the address',
      facts: certs(0, 0),
      has: ['--kubelet-insecure-tls'],
      choice: { flag: '--kubelet-insecure-tls', value: 'true', reason: /3 of 3 .*InternalIP address and 3 are not signed by the cluster CA.*is valid for …, not …/ },
    },
    {
      name: 'Auto falls back to insecure when the certificates were not inspected',
      facts: { kubeletCerts: undefined },
      has: ['--kubelet-insecure-tls'],
      choice: { flag: '--kubelet-insecure-tls', value: 'true', reason: /^Could not inspect kubelet certificates: no kubelet was inspected;/ },
    },
    {
      name: 'Auto quotes the error when no kubelet could be reached to inspect',
      facts: { kubeletCerts: { inspected: 0, signedByClusterCA: 0, coverAddressType: 0, sampleError: 'dial tcp 10.0.1.5:10250: connect: connection refused' } },
      has: ['--kubelet-insecure-tls'],
      choice: { flag: '--kubelet-insecure-tls', value: 'true', reason: /could not inspect kubelet certificates: dial tcp 10\.0\.1\.5:10250: connect: connection refused/i },
    },
    {
      name: "Auto verifies with the service account's CA when certificates are good but no CA bundle exists to mount",
      facts: { clusterCABundlePresent: false },
      lacks: ['--kubelet-insecure-tls', `--kubelet-certificate-authority=${CA}`],
      choice: { flag: '--kubelet-insecure-tls', value: 'false', reason: /^All 3 .*no cluster CA bundle/ },
    },
  ];

  it.each(cases)('$name', ({ ms, facts, has = [], lacks = [], choice }) => {
    const got = decideMetricsServerFlags(spec(ms), { ...ec2Cluster, ...facts });
    for (const arg of has) expect(got.args).toContain(arg);
    for (const arg of lacks) expect(got.args).not.toContain(arg);
    const made = got.choices.find((c) => c.flag === choice.flag);
    expect(made).toMatchObject({ flag: choice.flag, value: choice.value });
    expect(made?.reason).toMatch(choice.reason);
  });

  it('cuts a long inspection error so the reason fits in status', () => {
    const kubeletCerts = { inspected: 0, signedByClusterCA: 0, coverAddressType: 0, sampleError: 'x'.repeat(5000) };
    const got = decideMetricsServerFlags(spec(), { ...ec2Cluster, kubeletCerts });
    expect(got.choices.every((c) => c.reason.length < 1024)).toBe(true);
  });

  it.each(cases)('never passes both kubelet TLS flags, and gives every choice one sentence: $name', ({ ms, facts }) => {
    const got = decideMetricsServerFlags(spec(ms), { ...ec2Cluster, ...facts });
    const tlsFlags = got.args.filter((a) => /^--kubelet-(insecure-tls|certificate-authority)/.test(a));
    expect(tlsFlags.length).toBeLessThanOrEqual(1);
    for (const c of got.choices) expect(c.reason).toMatch(/^[A-Za-z0-9].*\.$/);
    for (const arg of got.args) expect(got.choices.map((c) => c.flag)).toContain(arg.split('=')[0]);
  });
});

describe('preferAddressTypes', () => {
  it('ignores address types metrics-server does not know', () => {
    expect(preferAddressTypes(['InternalIP'], ['SomethingElse']).types).toEqual(['InternalIP']);
  });
});

describe('kubelet TLS Auto when the kubelets cannot be inspected', () => {
  const unreachable = { kubeletCerts: { inspected: 0, signedByClusterCA: 0, coverAddressType: 0, sampleError: 'dial tcp 10.0.1.5:10250: i/o timeout' } };
  it.each([
    ['keeps a previous Verify instead of flipping to insecure and rolling the pods', 'Verify' as const, '--kubelet-certificate-authority'],
    ['keeps a previous Insecure', 'Insecure' as const, '--kubelet-insecure-tls'],
  ])('%s', (_name, previousKubeletTLS, flag) => {
    const got = decideMetricsServerFlags(spec(), { ...ec2Cluster, ...unreachable, clusterCABundlePresent: true, previousKubeletTLS });
    const choice = got.choices.find((c) => c.flag === flag);
    expect(choice?.reason).toMatch(/keeps its previous choice/);
  });
});
