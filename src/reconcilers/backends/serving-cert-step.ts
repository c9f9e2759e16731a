import type { V1Secret } from '@kubernetes/client-node';
import { caBundleOf, decideCertRotation, issueServingCert, servingCertSecret, type ServiceRef } from '../../kube/serving-cert.js';
import { OwnershipConflictError } from '../../kube/apply-decision.js';
import { otherManagers, ownerOf } from '../../kube/labels.js';

/**
 * Reads the Secret from the cache, and from the API on a miss: right after we create it, the cache may not have it
 * yet, and trusting the miss would issue (and roll the pods for) a second certificate.
 */
export type SecretReader = (name: string, namespace: string) => Promise<V1Secret | undefined>;

/** The serving certificate an extension API server runs with, and whether its Secret must be written. */
export interface ServingCert {
  /** The Secret to apply when (re)issued; undefined when the live one is kept. */
  readonly toApply: V1Secret | undefined;
  /** The Secret as it will be (kept or new), to record in the inventory. */
  readonly secret: V1Secret;
  readonly caBundle: string;
  readonly certPEM: string;
  /** Why a new certificate was issued, for the log and an Event. */
  readonly issuedBecause?: string;
}

const decode = (b64: string | undefined): string => Buffer.from(b64 ?? '', 'base64').toString('utf8');

/**
 * Keeps a valid serving certificate, or issues a new one (missing, wrong names, expiring: see decideCertRotation).
 * A rotation keeps the old CA beside the new one in ca.crt, so the APIService trusts pods that still serve the old cert.
 */
export async function ensureServingCert(readSecret: SecretReader, secretName: string, service: ServiceRef, owner: string, now: Date, adopt = false): Promise<ServingCert> {
  const found = await readSecret(secretName, service.namespace);
  // Someone else's Secret of that name: stop here. Rendering pods and an APIService from a certificate that can
  // never be applied would roll the pods on every pass with a CA bundle that matches nothing.
  if (found && ownerOf(found) !== owner && !adopt) {
    const by = ownerOf(found) ? `MetricsStack "${ownerOf(found)}"` : (otherManagers(found).join(', ') || 'another tool');
    throw new OwnershipConflictError(`Secret ${service.namespace}/${secretName} already exists and belongs to ${by}; nothing was deployed from it. Remove it, or set the backend's adoptExisting: true to let the operator take it over.`);
  }
  const live = found;
  const decision = decideCertRotation(live?.data, service, now);
  if (decision.action === 'keep' && live) {
    return { toApply: undefined, secret: live, caBundle: caBundleOf(live), certPEM: decode(live.data?.['tls.crt']) };
  }
  const issued = await issueServingCert({ ...service, now });
  const secret = servingCertSecret(secretName, service.namespace, issued, live?.data?.['ca.crt'] ? decode(live.data['ca.crt']) : undefined);
  return {
    toApply: secret, secret, caBundle: caBundleOf(secret), certPEM: issued.cert,
    ...(decision.action === 'issue' ? { issuedBecause: decision.reason } : {}),
  };
}
