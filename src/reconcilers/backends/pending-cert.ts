/**
 * A certificate issued for a rotation waits in a Secret of its own, which no pod mounts, from before its CA is
 * published until the served Secret holds it. An operator that dies in between (SIGKILL, a lost lease) leaves it to
 * the next leader, which serves that very certificate: issuing another would publish a second new CA and restart the
 * rotation. Once the served Secret holds it, the pending Secret is no longer recorded, and so is pruned.
 */
import type { V1Secret } from '@kubernetes/client-node';
import { ownerOf } from '../../kube/labels.js';
import { decideCertRotation, type ServiceRef } from '../../kube/serving-cert.js';

const TLS_KEYS = ['tls.crt', 'tls.key', 'ca.crt'] as const;

/** Where the certificate for the served Secret `secretName` waits. */
export const pendingSecretName = (secretName: string): string => `${secretName}-pending`;

/** A Secret of that name and type holding exactly the certificate, its key and its CA. */
function tlsSecret(name: string, namespace: string | undefined, data: Record<string, string> | undefined): V1Secret {
  return {
    apiVersion: 'v1', kind: 'Secret', metadata: { name, ...(namespace ? { namespace } : {}) }, type: 'kubernetes.io/tls',
    data: Object.fromEntries(TLS_KEYS.map((k) => [k, data?.[k] ?? ''])),
  };
}

/** The pending Secret for a served Secret about to be written. */
export const pendingFor = (served: V1Secret): V1Secret =>
  tlsSecret(pendingSecretName(served.metadata?.name ?? ''), served.metadata?.namespace, served.data);

/** The served Secret that takes the pending certificate. */
export const servedFrom = (pending: V1Secret, secretName: string): V1Secret => tlsSecret(secretName, pending.metadata?.namespace, pending.data);

/** The pending certificate to serve: one of ours, valid for the Service now; otherwise none. */
export function resumablePending(pending: V1Secret | undefined, owner: string, service: ServiceRef, now: Date): V1Secret | undefined {
  if (!pending || ownerOf(pending) !== owner) return undefined;
  return decideCertRotation(pending.data, service, now).action === 'keep' ? pending : undefined;
}
