/**
 * Is the EKS cluster a session names really the cluster this operator runs in? The name may be a guess (a node
 * label, "the only cluster in the region"), and a wrong guess would make the operator delete another cluster's
 * Fargate profiles or tag its Auto Scaling groups. EKS publishes each cluster's service-account token issuer as its
 * OIDC issuer, and the apiserver publishes the same issuer at /.well-known/openid-configuration: the two must be equal
 * before any AWS write.
 */
import { ISSUER_DISCOVERY_PATH } from '../../kube/api-probes.js';

/** Verified, or why not (the message names both sides and the fix). */
export type ClusterIdentity = { readonly verified: true } | { readonly verified: false; readonly message: string };

/** The reason a condition carries when an AWS write was not made for want of {@link ClusterIdentity}. */
export const IDENTITY_UNVERIFIED = 'ClusterIdentityUnverified' as const;

/** What both sides say. */
export interface IdentityFacts {
  readonly clusterName: string;
  readonly region: string;
  /** DescribeCluster's identity.oidc.issuer; absent while EKS creates the cluster. */
  readonly eksIssuer: string | undefined;
  /** The apiserver's issuer, or why it could not be read. */
  readonly apiserverIssuer: string | { readonly error: string };
}

const NO_WRITE = 'the operator makes no AWS change (no Fargate profile, no Auto Scaling group tag) on a cluster it cannot verify';

/** Pure: equal issuers (up to a trailing slash) verify the cluster; anything else does not. */
export function decideClusterIdentity(f: IdentityFacts): ClusterIdentity {
  const eks = `EKS cluster ${f.clusterName} in ${f.region}`;
  if (typeof f.apiserverIssuer !== 'string') {
    return {
      verified: false,
      message: `This cluster's service-account issuer could not be read from ${ISSUER_DISCOVERY_PATH} (${f.apiserverIssuer.error}), so ${eks} ` +
        `cannot be verified as this cluster: ${NO_WRITE}. The operator needs get on that URL (ClusterRole ` +
        'system:service-account-issuer-discovery, which Kubernetes binds to every service account by default).',
    };
  }
  if (!f.eksIssuer) {
    return { verified: false, message: `${eks} reports no OIDC issuer (is it still CREATING?), so it cannot be matched to this cluster: ${NO_WRITE}.` };
  }
  if (trimSlash(f.eksIssuer) === trimSlash(f.apiserverIssuer)) return { verified: true };
  return {
    verified: false,
    message: `${eks} has OIDC issuer ${f.eksIssuer}, but this cluster's service-account issuer is ${f.apiserverIssuer} ` +
      `(${ISSUER_DISCOVERY_PATH}): it is another cluster, and ${NO_WRITE}. Set spec.cluster.name and ` +
      "spec.cluster.region to this cluster's EKS name and region.",
  };
}

const trimSlash = (url: string): string => url.replace(/\/$/, '');
