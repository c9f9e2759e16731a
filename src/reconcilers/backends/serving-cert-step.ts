import type { KubernetesObject, V1APIService, V1Deployment, V1Secret } from '@kubernetes/client-node';
import { X509Certificate } from 'node:crypto';
import { caBundleOf, decideCertRotation, issueServingCert, servingCertSecret, type ServiceRef } from '../../kube/serving-cert.js';
import { OwnershipConflictError } from '../../kube/apply-decision.js';
import { otherManagers, ownerOf } from '../../kube/labels.js';
import { servingCertHash } from '../../render/common/serving-cert-hash.js';
import type { ObjectCache, StackContext } from '../stack/context.js';
import type { BackendPlan } from './backend.js';
import { decideCARotation, pemBlocks, rolloutOf, type CARotationPlan } from './ca-rotation.js';
import { pendingFor, pendingSecretName, resumablePending, servedFrom } from './pending-cert.js';

/**
 * Reads the Secret from the cache, and from the API on a miss: right after we create it, the cache may not have it
 * yet, and trusting the miss would issue (and roll the pods for) a second certificate.
 */
export type SecretReader = (name: string, namespace: string) => Promise<V1Secret | undefined>;

/** What a serving certificate is decided from: the Secret, and the APIServices and Deployment that depend on it. */
export interface ServingCertSources {
  readonly readSecret: SecretReader;
  readonly apiServices: ObjectCache<V1APIService>;
  readonly deployments: ObjectCache<V1Deployment>;
}

/** One backend's serving certificate: its Secret, its Service (its Deployment has the same name), its APIServices. */
export interface ServingCertRequest {
  readonly secretName: string;
  readonly service: ServiceRef;
  readonly apiServices: readonly string[];
  readonly owner: string;
  readonly now: Date;
  readonly adopt?: boolean;
}

/** The serving certificate an extension API server runs with, and whether its Secret must be written. */
export interface ServingCert {
  /** The Secret to apply when (re)issued; undefined when the live one is kept. */
  readonly toApply: V1Secret | undefined;
  /** The Secret as it will be (kept or new), to record in the inventory. */
  readonly secret: V1Secret;
  /** The APIServices' caBundle (base64 PEM), as the rotation decided it. */
  readonly caBundle: string;
  readonly certPEM: string;
  /** Why a new certificate was issued, for the log and an Event. */
  readonly issuedBecause?: string;
  /** A certificate issued before a restart, served now instead of a new one (pending-cert.ts), and why it is needed. */
  readonly resumed?: { readonly pending: V1Secret; readonly because: string };
  /** The pending Secret to write before the new CA is published (pending-cert.ts). */
  readonly pendingToApply?: V1Secret;
  /** A pending Secret the served one already holds, left by an operator that died before recording it. */
  readonly leftoverPending?: V1Secret;
  readonly rotation: CARotationPlan;
  /** For a `publish` step: the APIServices that must take the new caBundle before anything else is applied. */
  readonly publishFirst: readonly string[];
}

/** While a rotation waits (Deployment status changes do not wake the reconciler), look again this soon. */
export const ROTATION_POLL_MS = 5_000;

const decode = (b64: string | undefined): string => Buffer.from(b64 ?? '', 'base64').toString('utf8');
const b64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');

/** The first certificate in a Secret's ca.crt, if it is one: a Secret edited by hand may hold anything. */
function caOf(secret: V1Secret | undefined): string | undefined {
  const block = pemBlocks(decode(secret?.data?.['ca.crt']))[0];
  try {
    return block && new X509Certificate(block) ? block : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Keeps a valid serving certificate, or issues a new one (missing, wrong names, expiring: see decideCertRotation),
 * and decides the APIServices' caBundle from what they and the pods trust and serve now (see decideCARotation).
 */
export async function ensureServingCert(src: ServingCertSources, req: ServingCertRequest): Promise<ServingCert> {
  const { secretName, service, owner } = req;
  const found = await src.readSecret(secretName, service.namespace);
  // Someone else's Secret of that name: stop here. Rendering pods and an APIService from a certificate that can
  // never be applied would roll the pods on every pass with a CA bundle that matches nothing.
  if (found && ownerOf(found) !== owner && !req.adopt) {
    const by = ownerOf(found) ? `MetricsStack "${ownerOf(found)}"` : (otherManagers(found).join(', ') || 'another tool');
    throw new OwnershipConflictError(`Secret ${service.namespace}/${secretName} already exists and belongs to ${by}; nothing was deployed ` +
      'from it. Remove it, or set the backend\'s adoptExisting: true to let the operator take it over.');
  }
  const decision = decideCertRotation(found?.data, service, req.now);
  const foundCA = caOf(found);
  let target: { secret: V1Secret; toApply?: V1Secret; certPEM: string; ca: string; issuedBecause?: string; resumed?: ServingCert['resumed'] };
  const pendingName = pendingSecretName(secretName);
  const pending = decision.action === 'issue'
    ? resumablePending(await src.readSecret(pendingName, service.namespace), owner, service, req.now) : undefined;
  if (decision.action === 'keep' && found) {
    target = { secret: found, certPEM: decode(found.data?.['tls.crt']), ca: pemBlocks(decode(caBundleOf(found)))[0]! };
  } else if (pending && decision.action === 'issue') {
    const secret = servedFrom(pending, secretName);
    target = {
      secret, toApply: secret, certPEM: decode(secret.data?.['tls.crt']), ca: pemBlocks(decode(secret.data?.['ca.crt']))[0]!,
      resumed: { pending, because: decision.reason },
    };
  } else {
    const issued = await issueServingCert({ ...service, now: req.now });
    const secret = servingCertSecret(secretName, service.namespace, issued);
    target = {
      secret, toApply: secret, certPEM: issued.cert, ca: pemBlocks(issued.caCert)[0]!,
      ...(decision.action === 'issue' ? { issuedBecause: decision.reason } : {}),
    };
  }
  // Only our APIServices that route to this Service trust what it serves; one mid-handover routes elsewhere.
  const routed = req.apiServices.map((name) => src.apiServices.get(name)).filter((a): a is V1APIService =>
    !!a && ownerOf(a) === owner && !a.spec?.insecureSkipTLSVerify &&
    a.spec?.service?.name === service.serviceName && a.spec.service.namespace === service.namespace);
  const rotation = decideCARotation({
    targetCA: target.ca, targetCertHash: servingCertHash(target.certPEM),
    replacedCA: target.toApply && foundCA !== target.ca ? foundCA : undefined,
    trusted: routed.map((a) => pemBlocks(decode(a.spec?.caBundle))),
    rollout: rolloutOf(src.deployments.get(service.serviceName, service.namespace)),
  });
  const publishFirst = rotation.step === 'publish' ? routed.map((a) => a.metadata?.name ?? '') : [];
  // Mid-rotation with the certificate kept, a pending Secret may be left over, never recorded: look (one read, only then).
  const leftover = !target.toApply && rotation.step !== 'steady' ? await src.readSecret(pendingName, service.namespace) : undefined;
  // Only a certificate whose CA is published ahead of it needs to outlive this process; the first one never does.
  const keepPending = target.issuedBecause !== undefined && publishFirst.length > 0;
  return {
    toApply: target.toApply, secret: target.secret, certPEM: target.certPEM, caBundle: b64(rotation.bundle.join('')),
    ...(target.issuedBecause ? { issuedBecause: target.issuedBecause } : {}),
    ...(target.resumed ? { resumed: target.resumed } : {}),
    ...(keepPending ? { pendingToApply: pendingFor(target.secret) } : {}),
    ...(leftover && ownerOf(leftover) === owner ? { leftoverPending: leftover } : {}),
    rotation, publishFirst,
  };
}

/**
 * Logs what happened to the certificate, records a kept Secret in the inventory, and orders the apply: a new
 * certificate's pending Secret and the APIServices that take its CA first (BackendReconciler applies nothing else
 * unless they are accepted), then the served Secret, then the rest as rendered. A pass that waits on the rotation
 * looks again soon.
 */
export function servingCertApply(ctx: StackContext, backend: string, cert: ServingCert, rendered: readonly KubernetesObject[]):
  Pick<BackendPlan, 'applyFirst' | 'objects' | 'requeueAfterMs'> {
  if (cert.issuedBecause) ctx.log.info({ reason: cert.issuedBecause }, `issued a ${backend} serving certificate`);
  if (cert.resumed) {
    const pending = cert.resumed.pending.metadata?.name;
    ctx.log.info({ reason: cert.resumed.because, pending }, `serving the pending ${backend} certificate issued before a restart`);
    // Into the inventory, so it is pruned once the served Secret holds it.
    ctx.recordOwned({ ...cert.resumed.pending, apiVersion: 'v1', kind: 'Secret' });
  }
  // A leftover enters the inventory once, unwanted from the next pass on: pruned then, as the inventory allows.
  const leftover = cert.leftoverPending;
  const inventoried = (ctx.status.inventory ?? []).some((r) => r.kind === 'Secret' && r.name === leftover?.metadata?.name &&
    r.namespace === leftover?.metadata?.namespace);
  if (leftover && !inventoried) ctx.recordOwned({ ...leftover, apiVersion: 'v1', kind: 'Secret' });
  // Waiting is logged at debug: it repeats every poll for as long as the rollout takes.
  const { step, reason } = cert.rotation;
  if (step !== 'steady') ctx.log[step === 'await-rollout' ? 'debug' : 'info']({ step, reason }, `${backend} serving CA rotation`);
  if (!cert.toApply) ctx.recordOwned({ ...cert.secret, apiVersion: 'v1', kind: 'Secret' });
  const first = rendered.filter((o) => o.kind === 'APIService' && cert.publishFirst.includes(o.metadata?.name ?? ''));
  const rest = rendered.filter((o) => !first.includes(o));
  const waits = cert.rotation.step === 'publish' || cert.rotation.step === 'await-rollout';
  return {
    applyFirst: [...(cert.pendingToApply ? [cert.pendingToApply] : []), ...first],
    objects: cert.toApply ? [cert.toApply, ...rest] : rest,
    ...(waits ? { requeueAfterMs: ROTATION_POLL_MS } : {}),
  };
}
