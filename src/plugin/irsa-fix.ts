/** The fix for a broken IRSA link of Cluster Autoscaler's service account, as the command that makes it right. */
import type { IrsaFinding } from '../reconcilers/cluster-autoscaler/irsa/check.js';
import { expectedProviderArn, issuerHost, roleNameFromArn } from '../reconcilers/cluster-autoscaler/irsa/trust-policy.js';
import { ROLE_ARN_ANNOTATION, type ServiceAccountRef } from '../reconcilers/cluster-autoscaler/service-account.js';

/** What the fix is about: the cluster, its OIDC issuer, the role the service account names, and the account. */
export interface IrsaFixTarget {
  readonly clusterName: string;
  readonly oidcIssuer: string | undefined;
  readonly roleArn: string;
  readonly accountId: string;
  readonly serviceAccount: ServiceAccountRef;
}

/** The trust policy IRSA needs: this cluster's provider, this service account's sub, audience sts.amazonaws.com. */
export function irsaTrustPolicy(oidcIssuer: string, accountId: string, sa: ServiceAccountRef): object {
  const host = issuerHost(oidcIssuer);
  return { Version: '2012-10-17', Statement: [{
    Effect: 'Allow', Principal: { Federated: expectedProviderArn(oidcIssuer, accountId) }, Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${host}:sub`]: `system:serviceaccount:${sa.namespace}:${sa.name}`, [`${host}:aud`]: 'sts.amazonaws.com' } },
  }] };
}

export function irsaFix(reason: Exclude<IrsaFinding, { ok: true }>['reason'], t: IrsaFixTarget): string {
  const role = roleNameFromArn(t.roleArn) ?? t.roleArn;
  switch (reason) {
    case 'OIDCProviderMissing':
      return `eksctl utils associate-iam-oidc-provider --cluster ${t.clusterName} --approve`;
    case 'NotFound':
      return `create IAM role ${role}, or point the service account at an existing one: kubectl -n ${t.serviceAccount.namespace} annotate ` +
        `serviceaccount ${t.serviceAccount.name} ${ROLE_ARN_ANNOTATION}=<role ARN> --overwrite`;
    case 'RoleTrustPolicyMismatch':
      if (!t.oidcIssuer) return `edit the trust policy of IAM role ${role} once the cluster reports its OIDC issuer`;
      return `aws iam update-assume-role-policy --role-name ${role} --policy-document ` +
        `'${JSON.stringify(irsaTrustPolicy(t.oidcIssuer, t.accountId, t.serviceAccount))}' (keep any other statement the role needs)`;
  }
}
