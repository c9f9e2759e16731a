import { X509Certificate, createPrivateKey } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  caBundleOf,
  decideCertRotation,
  issueServingCert,
  servingCertSecret,
  type IssuedServingCert,
} from '../../../src/kube/serving-cert.js';

const svc = { serviceName: 'metrics-server', namespace: 'kube-system' };
const NOW = new Date('2026-01-01T00:00:00Z');
const DAY = 86_400_000;
const at = (days: number): Date => new Date(NOW.getTime() + days * DAY);
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const dataOf = (i: IssuedServingCert): Record<string, string> => servingCertSecret('s', 'kube-system', i).data!;

let issued: IssuedServingCert;
let other: IssuedServingCert;
beforeAll(async () => {
  issued = await issueServingCert({ ...svc, now: NOW, validityDays: 90 });
  other = await issueServingCert({ serviceName: 'prometheus-adapter', namespace: 'monitoring', now: NOW, validityDays: 90 });
});

describe('issueServingCert', () => {
  it('issues a serving certificate that verifies against its own CA, names the Service and matches its key', () => {
    const cert = new X509Certificate(issued.cert);
    const ca = new X509Certificate(issued.caCert);
    expect(cert.checkIssued(ca) && cert.verify(ca.publicKey)).toBe(true);
    expect(cert.subjectAltName).toBe(
      'DNS:metrics-server, DNS:metrics-server.kube-system, DNS:metrics-server.kube-system.svc, DNS:metrics-server.kube-system.svc.cluster.local',
    );
    expect(cert.checkPrivateKey(createPrivateKey(issued.key))).toBe(true);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(cert.ca).toBe(false);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.validToDate).toEqual(at(90));
    expect(issued.notAfter).toEqual(at(90));
  });

  it('issues a CA named after the Service that may sign certificates', () => {
    const ca = new X509Certificate(issued.caCert);
    expect(ca.subject).toBe('CN=metricsstack-metrics-server-ca');
    expect(ca.ca).toBe(true);
    expect(ca.checkPrivateKey(createPrivateKey(issued.caKey))).toBe(true);
  });
});

describe('decideCertRotation', () => {
  const cases: { name: string; data: () => Record<string, string> | undefined; now: Date; reason?: RegExp }[] = [
    { name: 'issue for a Secret that does not exist', data: () => undefined, now: at(1), reason: /Secret does not exist/ },
    {
      name: 'issue for a Secret without a key',
      data: () => ({ ...dataOf(issued), 'tls.key': '' }),
      now: at(1),
      reason: /has no tls\.key$/,
    },
    {
      name: 'issue for a Secret whose certificate is garbage',
      data: () => ({ ...dataOf(issued), 'tls.crt': b64('not a certificate') }),
      now: at(1),
      reason: /^tls\.crt cannot be parsed/,
    },
    {
      name: 'issue for a Secret whose key belongs to another certificate',
      data: () => ({ ...dataOf(issued), 'tls.key': b64(other.key) }),
      now: at(1),
      reason: /tls\.key is not the private key of tls\.crt/,
    },
    {
      name: 'issue for a Secret whose certificate another CA signed',
      data: () => ({ ...dataOf(issued), 'ca.crt': b64(other.caCert) }),
      now: at(1),
      reason: /not signed by the CA in ca\.crt/,
    },
    {
      name: "issue for a certificate that names another Service",
      data: () => dataOf(other),
      now: at(1),
      reason: /not valid for metrics-server, metrics-server\.kube-system, .* \(it names prometheus-adapter, /,
    },
    { name: 'issue for an expired certificate', data: () => dataOf(issued), now: at(91), reason: /expired at 2026-04-01T00:00:00\.000Z/ },
    { name: 'issue for a certificate with 70% of its validity used', data: () => dataOf(issued), now: at(63), reason: /has 29% of its validity left/ },
    { name: 'keep a certificate with 60% of its validity used', data: () => dataOf(issued), now: at(54) },
    { name: 'keep a fresh certificate', data: () => dataOf(issued), now: at(1) },
  ];
  it('decides the same Secret afresh for another Service and another time (parsed once, by data and Service)', () => {
    expect(decideCertRotation(dataOf(issued), svc, at(1))).toEqual({ action: 'keep' });
    const elsewhere = decideCertRotation(dataOf(issued), { ...svc, serviceName: 'prometheus-adapter' }, at(1));
    expect(elsewhere).toMatchObject({ action: 'issue', reason: expect.stringMatching(/^tls\.crt is not valid for prometheus-adapter/) });
    expect(decideCertRotation(dataOf(issued), svc, at(91))).toMatchObject({ action: 'issue', reason: expect.stringMatching(/expired/) });
    expect(decideCertRotation(dataOf(issued), svc, at(2))).toEqual({ action: 'keep' });
  });

  it.each(cases)('$name', ({ data, now, reason }) => {
    const d = decideCertRotation(data(), svc, now);
    if (!reason) return expect(d).toEqual({ action: 'keep' });
    expect(d.action).toBe('issue');
    if (d.action === 'issue') expect(d.reason).toMatch(reason);
  });
});

describe('servingCertSecret and caBundleOf', () => {
  it('renders a kubernetes.io/tls Secret whose ca.crt is the APIService caBundle', () => {
    const secret = servingCertSecret('metrics-server-tls', 'kube-system', issued);
    expect(secret).toMatchObject({
      apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name: 'metrics-server-tls', namespace: 'kube-system' },
    });
    expect(Object.keys(secret.data!)).toEqual(['tls.crt', 'tls.key', 'ca.crt']);
    expect(Buffer.from(secret.data!['tls.key']!, 'base64').toString()).toBe(issued.key);
    expect(Buffer.from(caBundleOf(secret), 'base64').toString()).toBe(issued.caCert);
  });

  it('keeps a Secret whose ca.crt also lists an older CA, as rotations wrote it before the caBundle was decided apart', () => {
    const data = { ...dataOf(issued), 'ca.crt': b64(issued.caCert + other.caCert) };
    expect(decideCertRotation(data, svc, at(1))).toEqual({ action: 'keep' });
  });

  it('refuses a Secret without ca.crt', () => {
    expect(() => caBundleOf({ metadata: { name: 's', namespace: 'kube-system' } })).toThrow('Secret kube-system/s has no ca.crt');
  });
});
