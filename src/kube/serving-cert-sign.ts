// tsyringe, which @peculiar/x509 uses internally, throws at import time unless a Reflect metadata polyfill is loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { KeyObject, randomBytes, webcrypto } from 'node:crypto';

// P-256: key generation takes milliseconds (RSA 2048 can take a second), and every Go and Node TLS stack accepts it.
const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const provider = webcrypto;

/** A certificate with its private key, as PEM and as a WebCrypto key that can sign further certificates. */
export interface SignedCert {
  /** PEM certificate. */
  readonly cert: string;
  /** PEM private key (PKCS#8), as kubernetes.io/tls Secrets and Go's tls.X509KeyPair accept it. */
  readonly key: string;
  readonly signingKey: webcrypto.CryptoKey;
}

/** What to put in a certificate. Dates are explicit so callers with a fake clock get reproducible validity. */
export interface CertRequest {
  readonly commonName: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  /** A CA certificate: basicConstraints CA (critical), keyUsage keyCertSign. Otherwise a TLS server certificate. */
  readonly isCA?: boolean;
  /** The signer; absent means self-signed. */
  readonly issuer?: SignedCert;
}

/** Issues one X.509 v3 certificate on a fresh ECDSA P-256 key. */
export async function signCertificate(req: CertRequest): Promise<SignedCert> {
  const keys = (await provider.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const issuerCert = req.issuer ? new x509.X509Certificate(req.issuer.cert) : undefined;
  const sans: x509.JsonGeneralName[] = [
    ...(req.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(req.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const extensions: x509.Extension[] = req.isCA
    ? [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature, true),
      ]
    : [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      ];
  if (sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(sans));
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, provider));
  if (issuerCert) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuerCert.publicKey, false, provider));

  const cert = await x509.X509CertificateGenerator.create(
    {
      // 16 random bytes, first byte in 0x40..0x7f: positive (RFC 5280) and minimally DER-encoded (Go rejects otherwise).
      serialNumber: serialNumber(),
      subject: `CN=${req.commonName}`,
      issuer: issuerCert?.subject ?? `CN=${req.commonName}`,
      notBefore: req.notBefore,
      notAfter: req.notAfter,
      publicKey: keys.publicKey,
      signingKey: req.issuer?.signingKey ?? keys.privateKey,
      signingAlgorithm: ECDSA_P256,
      extensions,
    },
    provider,
  );
  const key = KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString();
  return { cert: cert.toString('pem') + '\n', key, signingKey: keys.privateKey };
}

function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x3f) | 0x40;
  return bytes.toString('hex');
}
