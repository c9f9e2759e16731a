import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { commonName, goIPString, matchHostnames, subjectAltNames } from './names.js';

/** A node address as in Node.status.addresses: the one metrics-server will dial (per --kubelet-preferred-address-types). */
export interface NodeAddress {
  readonly type: string;
  readonly value: string;
}

/** What one kubelet's serving certificate means for metrics-server, which verifies it against the cluster CA. */
export interface KubeletCertAnalysis {
  readonly signedByClusterCA: boolean;
  /** The certificate names the address metrics-server dials (IP SAN for an IP, DNS SAN for a host name). */
  readonly coversAddress: boolean;
  /** The certificate's SANs: DNS names, then IP addresses. */
  readonly validFor: string[];
  /** The x509 error metrics-server would log when scraping this kubelet without --kubelet-insecure-tls. */
  readonly error?: string;
}

// Go's HostnameError stops listing names at this many.
const MAX_NAMES_INCLUDED = 100;

/** Analyzes a kubelet's serving certificate (PEM) against the cluster CA bundle (PEM) for one node address. */
export function analyzeKubeletCert(
  certPem: string,
  clusterCAPem: string | undefined,
  address: NodeAddress,
  now: Date = new Date(),
): KubeletCertAnalysis {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (err) {
    const error = `cannot parse the kubelet's serving certificate: ${(err as Error).message}`;
    return { signedByClusterCA: false, coversAddress: false, validFor: [], error };
  }
  const sans = subjectAltNames(cert);
  const signedByClusterCA = pemBlocks(clusterCAPem ?? '').some((pem) => issuedBy(cert, pem));
  const coversAddress = isIP(address.value)
    ? (sans?.ipAddresses ?? []).includes(goIPString(address.value))
    : cert.checkHost(address.value, { subject: 'never', partialWildcards: false }) !== undefined;
  const error = predictX509Error(cert, address.value, signedByClusterCA, now);
  return {
    signedByClusterCA,
    coversAddress,
    validFor: [...(sans?.dnsNames ?? []), ...(sans?.ipAddresses ?? [])],
    ...(error ? { error } : {}),
  };
}

/**
 * The error Go's crypto/x509 Certificate.Verify returns for this leaf when dialled as `host`, in Verify's order:
 * validity period first, then the host name, then the chain. Undefined when verification would succeed.
 * Strings are those of Go 1.26 src/crypto/x509/verify.go (CertificateInvalidError, HostnameError, UnknownAuthorityError).
 */
export function predictX509Error(cert: X509Certificate, host: string, signedByClusterCA: boolean, now: Date): string | undefined {
  if (now < cert.validFromDate) {
    return `x509: certificate has expired or is not yet valid: current time ${rfc3339(now)} is before ${rfc3339(cert.validFromDate)}`;
  }
  if (now > cert.validToDate) {
    return `x509: certificate has expired or is not yet valid: current time ${rfc3339(now)} is after ${rfc3339(cert.validToDate)}`;
  }
  const hostnameError = predictHostnameError(cert, host);
  if (hostnameError) return hostnameError;
  return signedByClusterCA ? undefined : 'x509: certificate signed by unknown authority';
}

function predictHostnameError(cert: X509Certificate, host: string): string | undefined {
  const sans = subjectAltNames(cert);
  if (isIP(host)) {
    if (sans?.ipAddresses.includes(goIPString(host))) return undefined;
  } else if (cert.checkHost(host, { subject: 'never', partialWildcards: false }) !== undefined) {
    return undefined;
  }
  if (!sans && matchHostnames(commonName(cert) ?? '', host)) {
    return 'x509: certificate relies on legacy Common Name field, use SANs instead';
  }
  let valid: string;
  if (isIP(host)) {
    const ips = sans?.ipAddresses ?? [];
    if (ips.length === 0) return `x509: cannot validate certificate for ${host} because it doesn't contain any IP SANs`;
    if (ips.length >= MAX_NAMES_INCLUDED) return `x509: certificate is valid for ${ips.length} IP SANs, but none matched ${host}`;
    valid = ips.join(', ');
  } else {
    const names = sans?.dnsNames ?? [];
    if (names.length >= MAX_NAMES_INCLUDED) return `x509: certificate is valid for ${names.length} names, but none matched ${host}`;
    valid = names.join(', ');
  }
  if (!valid) return `x509: certificate is not valid for any names, but wanted to match ${host}`;
  return `x509: certificate is valid for ${valid}, not ${host}`;
}

/** One sampled kubelet: its certificate's facts, or why its certificate could not be read. */
export type KubeletInspection = { node: string; facts: KubeletCertAnalysis } | { node: string; fetchError: string };

/** What a sample of kubelets says about kubelet TLS, for choosing --kubelet-certificate-authority or --kubelet-insecure-tls. */
export interface KubeletCertSummary {
  /** Certificates read and analyzed. */
  readonly inspected: number;
  /** Sampled kubelets whose certificate could not be read (not counted in `inspected`). */
  readonly unreachable: number;
  /** At least one certificate was inspected and every one chains to the cluster CA. */
  readonly signedByClusterCA: boolean;
  /** At least one certificate was inspected and every one names the address metrics-server dials. */
  readonly coverAddressType: boolean;
  /** How many inspected certificates chain to the cluster CA, and how many name the dialled address. */
  readonly signedCount: number;
  readonly coveringCount: number;
  /** Inspected nodes whose certificate is not signed by the cluster CA or lacks the dialled address, in sample order; absent when none. */
  readonly rejectedNodes?: readonly string[];
  /** The first predicted x509 failure, exactly as metrics-server would log it, and the node it was predicted for. */
  readonly sampleError?: string;
  readonly sampleNode?: string;
  /** The first error met reading a certificate, prefixed with its node's name. */
  readonly sampleFetchError?: string;
}

export function summarizeKubeletCerts(results: readonly KubeletInspection[]): KubeletCertSummary {
  const read = results.filter((r) => 'facts' in r);
  const failed = results.filter((r) => 'fetchError' in r);
  const firstError = read.find((r) => r.facts.error !== undefined);
  const rejected = read.filter((r) => !r.facts.signedByClusterCA || !r.facts.coversAddress).map((r) => r.node);
  return {
    inspected: read.length,
    unreachable: failed.length,
    signedByClusterCA: read.length > 0 && read.every((r) => r.facts.signedByClusterCA),
    coverAddressType: read.length > 0 && read.every((r) => r.facts.coversAddress),
    signedCount: read.filter((r) => r.facts.signedByClusterCA).length,
    coveringCount: read.filter((r) => r.facts.coversAddress).length,
    ...(rejected.length > 0 ? { rejectedNodes: rejected } : {}),
    ...(firstError ? { sampleError: firstError.facts.error!, sampleNode: firstError.node } : {}),
    ...(failed[0] ? { sampleFetchError: `${failed[0].node}: ${failed[0].fetchError}` } : {}),
  };
}

// Go formats with time.RFC3339; metrics-server's image runs in UTC, so the zone is always "Z".
const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

const pemBlocks = (bundle: string): string[] =>
  bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];

function issuedBy(cert: X509Certificate, caPem: string): boolean {
  try {
    const ca = new X509Certificate(caPem);
    return cert.checkIssued(ca) && cert.verify(ca.publicKey);
  } catch {
    return false;
  }
}
