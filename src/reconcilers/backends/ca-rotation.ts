/**
 * The order of a serving-certificate rotation, decided from what is live, so that no step can leave the aggregator
 * distrusting what a pod serves: the new CA joins every APIService's caBundle before the Secret switches (the pods
 * may pick up a changed Secret at any time, through the kubelet's volume sync, without a rollout); older CAs stay
 * until every pod runs the template rendered from the new certificate; then they go. Pure; serving-cert-step does the I/O.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import { SERVING_CERT_HASH_ANNOTATION } from '../../render/common/serving-cert-hash.js';

/** How far the live Deployment has rolled out, as the rotation needs it. */
export interface Rollout {
  /** The serving-certificate hash its pod template carries (what new pods start with). */
  readonly certHash: string | undefined;
  /** Every pod runs the current template: no pod of an older ReplicaSet is left, terminating ones included. */
  readonly complete: boolean;
  /** What it is waiting for, for the log. */
  readonly detail: string;
}

/** What the rotation decision looks at. CAs are PEM blocks as {@link pemBlocks} returns them. */
export interface CARotationFacts {
  /** The CA that signed the certificate the Secret holds after this pass (kept, or issued now). */
  readonly targetCA: string;
  /** servingCertHash of that certificate: the pod-template annotation once the pods are rendered from it. */
  readonly targetCertHash: string;
  /** The CA the Secret held before this pass, when a new certificate replaces it: its pods may still serve it. */
  readonly replacedCA?: string | undefined;
  /** The caBundle of each live APIService of the backend that routes to its Service; none before the first apply. */
  readonly trusted: readonly (readonly string[])[];
  readonly rollout: Rollout | undefined;
}

/**
 * - `publish`: an APIService lacks a CA a pod may serve from: every APIService takes the bundle, and must be accepted,
 *   before the Secret is written and before the pods roll.
 * - `await-rollout`: the target CA is trusted everywhere; older ones stay until every pod runs the new template.
 * - `drop-old`: every pod started with the new certificate: the bundle shrinks to the target CA.
 * - `steady`: the bundle is the target CA alone (or there is no APIService yet).
 */
export type CARotationStep = 'publish' | 'await-rollout' | 'drop-old' | 'steady';

export interface CARotationPlan {
  readonly step: CARotationStep;
  /** The caBundle (PEM blocks, target CA first) every APIService of the backend carries after this pass. */
  readonly bundle: readonly string[];
  /** Why, for the log. */
  readonly reason: string;
}

/** Decides the next safe step of a serving-certificate rotation. */
export function decideCARotation(f: CARotationFacts): CARotationPlan {
  const older = unique([...(f.replacedCA ? [f.replacedCA] : []), ...f.trusted.flat()]).filter((ca) => ca !== f.targetCA);
  const r = f.rollout;
  const rolledOut = !!r?.complete && r.certHash === f.targetCertHash;
  // What a pod may serve from right now: the target CA, and older ones until every pod runs the new template.
  const needed = rolledOut ? [f.targetCA] : [f.targetCA, ...older];
  const lacking = f.trusted.filter((bundle) => needed.some((ca) => !bundle.includes(ca))).length;
  if (lacking > 0) {
    return {
      step: 'publish', bundle: needed,
      reason: `${lacking} of ${f.trusted.length} APIService(s) do not trust every CA a pod may serve from; ` +
        `they take ${needed.length === 1 ? 'it' : `all ${needed.length}`} before the Secret or the pods change`,
    };
  }
  if (older.length === 0) return { step: 'steady', bundle: needed, reason: 'the caBundle is the serving certificate\'s CA alone' };
  if (rolledOut) {
    return { step: 'drop-old', bundle: needed, reason: `every pod started with the current certificate: ${older.length} older CA(s) leave the caBundle` };
  }
  const waiting = !r ? 'the Deployment does not exist yet'
    : r.certHash !== f.targetCertHash ? 'the pod template is not rendered from the current certificate yet' : r.detail;
  const reason = `${older.length} older CA(s) stay trusted until every pod serves the current certificate: ${waiting}`;
  return { step: 'await-rollout', bundle: needed, reason };
}

/** The rollout of a live Deployment; undefined when there is none. */
export function rolloutOf(d: V1Deployment | undefined): Rollout | undefined {
  if (!d) return undefined;
  const s = d.status ?? {};
  const certHash = d.spec?.template.metadata?.annotations?.[SERVING_CERT_HASH_ANNOTATION];
  if ((s.observedGeneration ?? 0) < (d.metadata?.generation ?? 1)) {
    return { certHash, complete: false, detail: `generation ${d.metadata?.generation ?? 1} is not observed by the Deployment controller yet` };
  }
  const total = s.replicas ?? 0;
  const updated = s.updatedReplicas ?? 0;
  const terminating = s.terminatingReplicas ?? 0;
  const complete = updated === total && terminating === 0;
  const detail = `${updated} of ${total} pods run the current template` + (terminating > 0 ? `, ${terminating} terminating` : '');
  return { certHash, complete, detail };
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM bundle, each as one block ending in a newline, so that equal certificates compare equal. */
export const pemBlocks = (pem: string): string[] => (pem.replaceAll('\r', '').match(PEM_BLOCK) ?? []).map((b) => `${b}\n`);

const unique = (xs: readonly string[]): string[] => [...new Set(xs)];
