/**
 * IRSA end to end, for the role in spec.clusterAutoscaler.roleARN: the cluster's OIDC issuer (DescribeCluster) → an
 * IAM OIDC provider for that issuer with audience sts.amazonaws.com → the role's trust policy (checkTrustPolicy).
 * Each link that is missing is reported with what was expected, what was found, and the command or edit that fixes it.
 */
import { ignoreAwsNotFound } from '../../../cloud/aws/errors.js';
import type { AwsPorts } from '../../../cloud/aws/ports.js';
import { accountIdFromArn, checkTrustPolicy, expectedProviderArn, issuerHost, roleNameFromArn } from './trust-policy.js';
import type { ServiceAccountRef } from '../service-account.js';

const AUDIENCE = 'sts.amazonaws.com';

/**
 * A verdict on one link of the chain; `message` is a complete sentence for the condition. `status` Unknown marks a
 * trust policy that cannot be verified (a Deny that only the live request decides); otherwise a problem is False.
 */
export type IrsaFinding =
  | { readonly ok: true; readonly message: string }
  | {
      readonly ok: false;
      readonly reason: 'OIDCProviderMissing' | 'NotFound' | 'RoleTrustPolicyMismatch';
      readonly message: string;
      readonly status?: 'Unknown';
    };

/** Checks that pods of `sa` can assume `roleArn`. AWS errors propagate (the caller turns them into conditions). */
export async function checkIrsa(
  aws: Pick<AwsPorts, 'eks' | 'iam'>,
  clusterName: string,
  roleArn: string,
  sa: ServiceAccountRef,
): Promise<IrsaFinding> {
  const cluster = await aws.eks.describeCluster(clusterName);
  if (!cluster.oidcIssuer) {
    return {
      ok: false,
      reason: 'OIDCProviderMissing',
      message: `EKS cluster ${clusterName} reports no OIDC issuer (status ${cluster.status}), so IRSA cannot work yet; check again once the cluster is ACTIVE.`,
    };
  }
  const accountId = accountIdFromArn(roleArn) ?? '';
  const roleName = roleNameFromArn(roleArn) ?? roleArn;
  const providerArn = expectedProviderArn(cluster.oidcIssuer, accountId);
  if (!(await aws.iam.listOpenIDConnectProviders()).includes(providerArn)) {
    return {
      ok: false,
      reason: 'OIDCProviderMissing',
      message:
        `Account ${accountId} has no IAM OIDC provider ${providerArn} for the cluster's issuer ${cluster.oidcIssuer}, so no service account ` +
        `token can be exchanged for role credentials. Create it: eksctl utils associate-iam-oidc-provider --cluster ${clusterName} --approve.`,
    };
  }
  const provider = await aws.iam.getOpenIDConnectProvider(providerArn);
  if (!provider.clientIds.includes(AUDIENCE)) {
    return {
      ok: false,
      reason: 'OIDCProviderMissing',
      message:
        `IAM OIDC provider ${providerArn} lacks the audience ${AUDIENCE} (it has ${provider.clientIds.join(', ') || 'none'}): add it with ` +
        `aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${providerArn} --client-id ${AUDIENCE}.`,
    };
  }
  const role = await ignoreAwsNotFound(aws.iam.getRole(roleName));
  if (!role) {
    const message = `IAM role ${roleName} (spec.clusterAutoscaler.roleARN ${roleArn}) does not exist: create it, or correct roleARN.`;
    return { ok: false, reason: 'NotFound', message };
  }
  const target = { oidcIssuer: cluster.oidcIssuer, accountId, namespace: sa.namespace, serviceAccount: sa.name, audience: AUDIENCE };
  const verdict = checkTrustPolicy(role.trustPolicy, target);
  if (verdict.ok === false && verdict.reason === 'Unverifiable') {
    // Neither True nor False: whether the Deny applies is up to the live request, so the condition says Unknown.
    const message = `Cannot verify that ${sa.namespace}/${sa.name} may assume IAM role ${roleName}: ${verdict.message}`;
    return { ok: false, reason: 'RoleTrustPolicyMismatch', status: 'Unknown', message };
  }
  if (!verdict.ok) {
    return {
      ok: false,
      reason: 'RoleTrustPolicyMismatch',
      message: `The trust policy of IAM role ${roleName} does not let ${sa.namespace}/${sa.name} assume it (${verdict.reason}): ${verdict.message}`,
    };
  }
  const warnings = verdict.warnings.length > 0 ? ` Warning: ${verdict.warnings.join(' ')}` : '';
  const via = issuerHost(cluster.oidcIssuer);
  return { ok: true, message: `IAM role ${roleName} trusts ${sa.namespace}/${sa.name} through the cluster's OIDC provider ${via}.${warnings}` };
}
