/** The serving certificate a pod template was rendered from, as an annotation on the template. */
import { createHash } from 'node:crypto';

/**
 * Pod-template annotation with the sha256 of the serving certificate: a new certificate changes the template and
 * rolls the pods, and a finished rollout of that template tells the CA rotation that every pod started with it.
 */
export const SERVING_CERT_HASH_ANNOTATION = 'metricsstack.io/serving-cert-sha256';

/** The annotation's value for a certificate (PEM, as the Secret's tls.crt holds it). */
export const servingCertHash = (certPEM: string): string => createHash('sha256').update(certPEM).digest('hex');
