/**
 * Watches, from the outside, the one thing a serving-certificate rotation must never break: every APIService of a
 * backend trusts (has in its caBundle) the CA that signed the certificate in the backend's Secret. Samples both over
 * and over while a test runs, and keeps every moment it found them apart.
 */
import { X509Certificate } from 'node:crypto';
import { ApiregistrationV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { sleep } from './procs.js';

/** A serving-certificate Secret and the APIServices that must trust it. */
export interface TrustPair {
  readonly secret: { readonly namespace: string; readonly name: string };
  readonly apiServices: readonly string[];
}

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const decode = (b64: string | undefined): string => Buffer.from(b64 ?? '', 'base64').toString('utf8');

/** The certificates of a PEM bundle (base64, as caBundle and Secret data carry it). */
export const certsOf = (b64: string | undefined): X509Certificate[] => (decode(b64).match(PEM) ?? []).map((p) => new X509Certificate(p));

export const signs = (ca: X509Certificate, cert: X509Certificate): boolean => cert.checkIssued(ca) && cert.verify(ca.publicKey);

export function trustSampler(kc: KubeConfig, pairs: readonly TrustPair[], intervalMs = 150) {
  const core = kc.makeApiClient(CoreV1Api);
  const apireg = kc.makeApiClient(ApiregistrationV1Api);
  const violations: string[] = [];
  let samples = 0;
  let running = true;

  async function sampleOnce(): Promise<void> {
    for (const { secret, apiServices } of pairs) {
      // The Secret first, then the APIServices: a CA published before the Secret switched is then always seen.
      const s = await core.readNamespacedSecret(secret).catch(() => undefined);
      const cert = certsOf(s?.data?.['tls.crt'])[0];
      if (!cert) continue; // deleted (or being re-created): nothing is served from it
      for (const name of apiServices) {
        const api = await apireg.readAPIService({ name }).catch(() => undefined);
        if (!api || api.spec?.insecureSkipTLSVerify) continue;
        if (!certsOf(api.spec?.caBundle).some((ca) => signs(ca, cert))) {
          violations.push(`${new Date().toISOString()}: APIService ${name} does not trust the CA (${cert.issuer}) that signed ` +
            `${secret.namespace}/${secret.name} (serial ${cert.serialNumber})`);
        }
      }
    }
    samples++;
  }

  const loop = (async () => {
    while (running) {
      await sampleOnce().catch((err: unknown) => violations.push(`sampling failed: ${String(err)}`));
      await sleep(intervalMs);
    }
  })();

  return {
    violations,
    samples: () => samples,
    async stop(): Promise<void> {
      running = false;
      await loop;
    },
  };
}
