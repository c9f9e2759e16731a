import type { V1Secret } from '@kubernetes/client-node';
import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';

/** The Service an extension API server (metrics-server, prometheus-adapter) is reached through. */
export interface ServiceRef {
  readonly serviceName: string;
  readonly namespace: string;
}

/** A serving certificate and the CA that signed it, as PEM. */
export interface IssuedServingCert {
  readonly caCert: string;
  readonly caKey: string;
  readonly cert: string;
  readonly key: string;
  readonly notAfter: Date;
}

/** Renew once less than this share of the validity is left, as cert-manager does by default. */
export const RENEW_WHEN_REMAINING_BELOW = 1 / 3;
// Back-date notBefore: an apiserver whose clock runs a little behind ours would otherwise reject a brand-new certificate.
const CLOCK_SKEW_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

/** Every name the apiserver or a pod may use for the Service; the aggregator dials `<svc>.<ns>.svc`. */
export const serviceDnsNames = ({ serviceName: s, namespace: n }: ServiceRef): string[] =>
  [s, `${s}.${n}`, `${s}.${n}.svc`, `${s}.${n}.svc.cluster.local`];

/** Issues a fresh self-signed CA and a serving certificate signed by it for the Service's DNS names. */
export async function issueServingCert(
  { serviceName, namespace, now, validityDays = 365 }: ServiceRef & { now: Date; validityDays?: number },
): Promise<IssuedServingCert> {
  // Loaded on first use: the X.509 library costs ~11 MB of RSS, and a restart with a valid Secret never needs it.
  const { signCertificate } = await import('./serving-cert-sign.js');
  const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  const notAfter = new Date(now.getTime() + validityDays * DAY_MS);
  const ca = await signCertificate({ commonName: `metricsstack-${serviceName}-ca`, notBefore, notAfter, isCA: true });
  const leaf = await signCertificate({
    commonName: `${serviceName}.${namespace}.svc`,
    dnsNames: serviceDnsNames({ serviceName, namespace }),
    notBefore,
    notAfter,
    issuer: ca,
  });
  return { caCert: ca.cert, caKey: ca.key, cert: leaf.cert, key: leaf.key, notAfter };
}

/** Keep the Secret as it is, or issue a new certificate and say why. */
export type RotationDecision = { action: 'keep' } | { action: 'issue'; reason: string };

/** What a Secret's certificate is, apart from the time: unusable (why), or valid from `start` to `end` (epoch ms). */
type CertFacts = { readonly invalid: string } | { readonly start: number; readonly end: number; readonly validFrom: Date };

/**
 * Parsed Secrets, by a SHA-256 of their data and the Service: parsing and verifying the certificate, the CA and the
 * key was the largest part of the operator's own work in a metrics-server pass (bench section 1, --cpu-prof: 1 % of a
 * core against 0.8 % for the rest of the reconcile), for data that changes once a rotation. A few entries: one per
 * backend, and the old one during a rotation.
 */
const checked = new Map<string, CertFacts>();
const CHECKED_MAX = 8;

function certFacts(secretData: Record<string, string>, expect: ServiceRef): CertFacts {
  const id = createHash('sha256')
    .update(`${expect.namespace}/${expect.serviceName}\n${secretData['tls.crt']}\n${secretData['tls.key']}\n${secretData['ca.crt']}`).digest('base64');
  const known = checked.get(id);
  if (known) return known;
  const facts = parseCertFacts(secretData, expect);
  if (checked.size >= CHECKED_MAX) checked.delete(checked.keys().next().value!);
  checked.set(id, facts);
  return facts;
}

function parseCertFacts(secretData: Record<string, string>, expect: ServiceRef): CertFacts {
  let cert: X509Certificate, ca: X509Certificate;
  try {
    cert = parseCert(secretData, 'tls.crt');
    ca = parseCert(secretData, 'ca.crt');
    const key = parse(secretData, 'tls.key', (pem) => createPrivateKey(pem));
    if (!cert.checkPrivateKey(key)) return { invalid: 'tls.key is not the private key of tls.crt' };
  } catch (err) {
    return { invalid: (err as Error).message };
  }
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return { invalid: 'tls.crt is not signed by the CA in ca.crt' };

  const names = sanDnsNames(cert);
  const absent = serviceDnsNames(expect).filter((n) => !names.includes(n));
  if (absent.length > 0) return { invalid: `tls.crt is not valid for ${absent.join(', ')} (it names ${names.join(', ') || 'no DNS names'})` };
  return { start: cert.validFromDate.getTime(), end: Math.min(cert.validToDate.getTime(), ca.validToDate.getTime()), validFrom: cert.validFromDate };
}

/** Decides from a kubernetes.io/tls Secret's data (base64 values) whether its certificate must be (re)issued. */
export function decideCertRotation(
  secretData: Record<string, string> | undefined,
  expect: ServiceRef,
  now: Date,
): RotationDecision {
  const issue = (reason: string): RotationDecision => ({ action: 'issue', reason });
  if (!secretData) return issue('the serving certificate Secret does not exist');
  const missing = ['tls.crt', 'tls.key', 'ca.crt'].filter((k) => !secretData[k]);
  if (missing.length > 0) return issue(`the serving certificate Secret has no ${missing.join(', ')}`);

  const facts = certFacts(secretData, expect);
  if ('invalid' in facts) return issue(facts.invalid);
  const { start, end } = facts;
  if (now.getTime() < start) return issue(`tls.crt is not valid before ${facts.validFrom.toISOString()}`);
  if (now.getTime() >= end) return issue(`the serving certificate expired at ${new Date(end).toISOString()}`);
  const remaining = (end - now.getTime()) / (end - start);
  if (remaining < RENEW_WHEN_REMAINING_BELOW) {
    return issue(
      `the serving certificate has ${Math.floor(remaining * 100)}% of its validity left (expires ${new Date(end).toISOString()}); ` +
        'it is renewed once less than a third remains',
    );
  }
  return { action: 'keep' };
}

/**
 * The kubernetes.io/tls Secret for an issued certificate; ca.crt is the CA that signed it. Which CAs the APIService
 * trusts during a rotation (old and new) is decided apart from the Secret (reconcilers/backends/ca-rotation.ts).
 */
export function servingCertSecret(name: string, namespace: string, issued: IssuedServingCert): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': b64(issued.cert), 'tls.key': b64(issued.key), 'ca.crt': b64(issued.caCert) },
  };
}

/** A serving certificate Secret's ca.crt (base64 PEM): the CA that signed its tls.crt, first. */
export function caBundleOf(secret: V1Secret): string {
  const bundle = secret.data?.['ca.crt'];
  if (!bundle) throw new Error(`Secret ${secret.metadata?.namespace}/${secret.metadata?.name} has no ca.crt`);
  return bundle;
}

const b64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');

function parse<T>(data: Record<string, string>, field: string, fn: (pem: string) => T): T {
  try {
    return fn(Buffer.from(data[field]!, 'base64').toString('utf8'));
  } catch (err) {
    throw new Error(`${field} cannot be parsed: ${(err as Error).message}`, { cause: err });
  }
}

const parseCert = (data: Record<string, string>, field: string): X509Certificate =>
  parse(data, field, (pem) => new X509Certificate(pem));

/** DNS names from Node's subjectAltName text ("DNS:a, IP Address:1.2.3.4"). */
const sanDnsNames = (cert: X509Certificate): string[] =>
  (cert.subjectAltName ?? '').split(', ').filter((e) => e.startsWith('DNS:')).map((e) => e.slice(4));
