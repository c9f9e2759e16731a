import { beforeAll, describe, expect, it } from 'vitest';
import { signCertificate, type CertRequest, type SignedCert } from '../../../../../src/kube/serving-cert-sign.js';
import { analyzeKubeletCert, summarizeKubeletCerts, type KubeletCertAnalysis } from '../../../../../src/reconcilers/metrics-server/kubelet-tls/analyze.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const validity = { notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z') };
const ip = (value: string) => ({ type: 'InternalIP', value });
const hostname = (value: string) => ({ type: 'Hostname', value });

// GIVEN a cluster CA, and kubelet serving certificates of the shapes met in real clusters.
let clusterCA: SignedCert;
const certs: Record<string, SignedCert> = {};
const kubelet = (req: Omit<CertRequest, 'notBefore' | 'notAfter'> & Partial<CertRequest>) => signCertificate({ ...validity, ...req });
beforeAll(async () => {
  clusterCA = await signCertificate({ commonName: 'kubernetes', isCA: true, ...validity });
  const kubeletCA = await signCertificate({ commonName: 'ip-10-0-1-23-ca@1767225600', isCA: true, ...validity });
  Object.assign(certs, {
    // serverTLSBootstrap: the kubelet's CSR is approved and signed by the cluster CA, with its IP and host name.
    bootstrapped: await kubelet({
      commonName: 'system:node:ip-10-0-1-23', ipAddresses: ['10.0.1.23'], dnsNames: ['ip-10-0-1-23.ec2.internal'], issuer: clusterCA,
    }),
    // The kubelet's default: a certificate from its own throw-away CA, naming only its host name.
    selfSigned: await kubelet({ commonName: 'ip-10-0-1-23@1767225600', dnsNames: ['ip-10-0-1-23'], issuer: kubeletCA }),
    selfSignedWithIP: await kubelet({ commonName: 'k8s-node1', ipAddresses: ['192.168.10.51'], issuer: kubeletCA }),
    // Seed 004: a certificate copied between nodes names the first node's IP.
    otherNode: await kubelet({ commonName: 'k8s-node0', ipAddresses: ['192.168.10.50'], issuer: clusterCA }),
    dnsOnly: await kubelet({ commonName: 'ip-10-0-1-23', dnsNames: ['ip-10-0-1-23.ec2.internal', 'ip-10-0-1-23'], issuer: clusterCA }),
    expired: await kubelet({ commonName: 'old', ipAddresses: ['10.0.1.23'], issuer: clusterCA, notAfter: new Date('2026-05-01T12:00:00Z') }),
    legacyCN: await kubelet({ commonName: '10.0.1.23', issuer: clusterCA }),
    ipv6: await kubelet({ commonName: 'v6', ipAddresses: ['fd00:0:0:0:0:0:0:1', '10.0.1.23'], issuer: clusterCA }),
  });
});

describe('analyzeKubeletCert', () => {
  const cases: { name: string; cert: string; address: { type: string; value: string }; noCA?: boolean; want: Partial<KubeletCertAnalysis> }[] = [
    {
      name: 'a bootstrapped certificate verifies for its InternalIP',
      cert: 'bootstrapped', address: ip('10.0.1.23'),
      want: { signedByClusterCA: true, coversAddress: true, validFor: ['ip-10-0-1-23.ec2.internal', '10.0.1.23'] },
    },
    {
      name: 'a bootstrapped certificate verifies for its Hostname',
      cert: 'bootstrapped', address: hostname('IP-10-0-1-23.ec2.internal'),
      want: { signedByClusterCA: true, coversAddress: true },
    },
    {
      name: "the kubelet's self-signed default fails on the missing IP SAN before the unknown CA",
      cert: 'selfSigned', address: ip('10.0.1.23'),
      want: { signedByClusterCA: false, coversAddress: false, error: "x509: cannot validate certificate for 10.0.1.23 because it doesn't contain any IP SANs" },
    },
    {
      name: 'a self-signed certificate with the right IP fails on the unknown authority',
      cert: 'selfSignedWithIP', address: ip('192.168.10.51'),
      want: { signedByClusterCA: false, coversAddress: true, error: 'x509: certificate signed by unknown authority' },
    },
    {
      name: "seed 004: a certificate for another node's IP",
      cert: 'otherNode', address: ip('192.168.10.51'),
      want: { signedByClusterCA: true, coversAddress: false, error: 'x509: certificate is valid for 192.168.10.50, not 192.168.10.51' },
    },
    {
      name: 'a certificate with only DNS SANs, dialled by IP',
      cert: 'dnsOnly', address: ip('10.0.1.23'),
      want: { coversAddress: false, error: "x509: cannot validate certificate for 10.0.1.23 because it doesn't contain any IP SANs" },
    },
    {
      name: 'a certificate with only DNS SANs, dialled by another host name',
      cert: 'dnsOnly', address: hostname('ip-10-0-9-9.ec2.internal'),
      want: { coversAddress: false, error: 'x509: certificate is valid for ip-10-0-1-23.ec2.internal, ip-10-0-1-23, not ip-10-0-9-9.ec2.internal' },
    },
    {
      name: 'a certificate with only IP SANs, dialled by host name',
      cert: 'otherNode', address: hostname('k8s-node0'),
      want: { coversAddress: false, error: 'x509: certificate is not valid for any names, but wanted to match k8s-node0' },
    },
    {
      name: 'an expired certificate fails on its validity before anything else',
      cert: 'expired', address: ip('192.168.1.5'),
      want: { error: 'x509: certificate has expired or is not yet valid: current time 2026-06-01T00:00:00Z is after 2026-05-01T12:00:00Z' },
    },
    {
      name: 'a certificate with no SANs whose CN is the address',
      cert: 'legacyCN', address: ip('10.0.1.23'),
      want: { validFor: [], error: 'x509: certificate relies on legacy Common Name field, use SANs instead' },
    },
    {
      name: 'IPv6 SANs are printed as Go prints them',
      cert: 'ipv6', address: ip('fd00::2'),
      want: { validFor: ['fd00::1', '10.0.1.23'], error: 'x509: certificate is valid for fd00::1, 10.0.1.23, not fd00::2' },
    },
    { name: 'an IPv6 address matches however it is written', cert: 'ipv6', address: ip('FD00:0::1'), want: { coversAddress: true } },
    {
      name: 'without the cluster CA nothing is trusted',
      cert: 'bootstrapped', address: ip('10.0.1.23'), noCA: true,
      want: { signedByClusterCA: false, coversAddress: true, error: 'x509: certificate signed by unknown authority' },
    },
  ];
  it.each(cases)('$name', ({ cert, address, noCA, want }) => {
    const facts = analyzeKubeletCert(certs[cert]!.cert, noCA ? undefined : clusterCA.cert, address, NOW);
    // A certificate metrics-server would accept carries no `error` at all.
    expect(facts).toMatchObject(want);
    expect(facts.error).toBe(want.error);
  });

  it('finds the cluster CA in a bundle of several CAs', () => {
    const bundle = certs.selfSigned!.cert + clusterCA.cert;
    expect(analyzeKubeletCert(certs.bootstrapped!.cert, bundle, ip('10.0.1.23'), NOW).signedByClusterCA).toBe(true);
  });

  it('says so when the certificate cannot be parsed', () => {
    expect(analyzeKubeletCert('garbage', clusterCA.cert, ip('10.0.1.23'), NOW)).toMatchObject({
      signedByClusterCA: false, coversAddress: false, validFor: [], error: expect.stringMatching(/^cannot parse the kubelet's serving certificate/),
    });
  });
});

describe('summarizeKubeletCerts', () => {
  const ok = { signedByClusterCA: true, coversAddress: true, validFor: ['10.0.1.1'] };
  const bad = { signedByClusterCA: true, coversAddress: false, validFor: ['10.0.1.1'], error: 'x509: certificate is valid for 10.0.1.1, not 10.0.1.2' };
  it.each([
    [
      'every certificate verifies',
      [{ node: 'a', facts: ok }, { node: 'b', facts: ok }],
      { inspected: 2, unreachable: 0, signedByClusterCA: true, coverAddressType: true },
    ],
    [
      'one certificate misses its address: the first error and its node are kept',
      [{ node: 'a', facts: ok }, { node: 'b', facts: bad }],
      { inspected: 2, signedByClusterCA: true, coverAddressType: false, sampleError: bad.error, sampleNode: 'b' },
    ],
    [
      'unreachable kubelets are counted apart and prove nothing',
      [{ node: 'a', fetchError: 'connect ECONNREFUSED 10.0.1.1:10250' }],
      { inspected: 0, unreachable: 1, signedByClusterCA: false, coverAddressType: false, sampleFetchError: 'a: connect ECONNREFUSED 10.0.1.1:10250' },
    ],
    ['no kubelets at all prove nothing', [], { inspected: 0, unreachable: 0, signedByClusterCA: false, coverAddressType: false }],
    [
      'names, in sample order, the nodes whose certificate is not signed by the cluster CA or lacks the dialled address',
      [{ node: 'a', facts: { ...ok, signedByClusterCA: false } }, { node: 'b', facts: ok }, { node: 'c', facts: bad }],
      { inspected: 3, signedCount: 2, coveringCount: 2, rejectedNodes: ['a', 'c'] },
    ],
  ])('%s', (_name, results, want) => {
    expect(summarizeKubeletCerts(results)).toMatchObject(want);
  });

  it('names no node when every certificate verifies', () => {
    expect(summarizeKubeletCerts([{ node: 'a', facts: ok }])).not.toHaveProperty('rejectedNodes');
  });
});
