import { describe, expect, it } from 'vitest';
import { checkTrustPolicy } from '../../../src/reconcilers/cluster-autoscaler/irsa/trust-policy.js';
import { AwsTargetError } from '../../../src/reconcilers/aws/session.js';
import { awsUnknown } from '../../../src/plugin/aws-checks.js';
import { irsaFix, irsaTrustPolicy } from '../../../src/plugin/irsa-fix.js';

const issuer = 'https://oidc.eks.us-east-1.amazonaws.com/id/ABC123';
const sa = { namespace: 'kube-system', name: 'cluster-autoscaler' };
const target = { clusterName: 'demo', oidcIssuer: issuer, roleArn: 'arn:aws:iam::123456789012:role/ca', accountId: '123456789012', serviceAccount: sa };

describe('the IRSA fix', () => {
  it('writes a trust policy that the operator\'s own trust-policy check accepts', () => {
    const doc = irsaTrustPolicy(issuer, '123456789012', sa);
    expect(checkTrustPolicy(doc, { oidcIssuer: issuer, accountId: '123456789012', namespace: sa.namespace, serviceAccount: sa.name }))
      .toEqual({ ok: true, warnings: [] });
    expect(irsaFix('RoleTrustPolicyMismatch', target)).toBe(
      `aws iam update-assume-role-policy --role-name ca --policy-document '${JSON.stringify(doc)}' (keep any other statement the role needs)`);
  });
  it('creates the OIDC provider when the account has none for the cluster', () => {
    expect(irsaFix('OIDCProviderMissing', target)).toBe('eksctl utils associate-iam-oidc-provider --cluster demo --approve');
  });
  it('names the role and the annotation when the role does not exist', () => {
    expect(irsaFix('NotFound', target)).toContain('kubectl -n kube-system annotate serviceaccount cluster-autoscaler eks.amazonaws.com/role-arn=');
  });
});

describe('an AWS failure as a "not checked" line', () => {
  it('asks for --cluster where the operator would ask for spec.cluster.name', () => {
    const err = new AwsTargetError('Cannot tell which EKS cluster this is: ... found 2 EKS clusters (a, b). Set spec.cluster.name.');
    expect(awsUnknown('the AWS side', err)).toBe('the AWS side: Cannot tell which EKS cluster this is: ... found 2 EKS clusters (a, b). Pass --cluster NAME.');
  });
  it('names the denied action and points at the user\'s identity, not the operator\'s role', () => {
    const err = Object.assign(new Error('User: arn:aws:iam::123456789012:user/dev is not authorized to perform: eks:ListFargateProfiles on resource: x'),
      { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
    const line = awsUnknown('the Fargate profiles of EKS cluster demo', err);
    expect(line).toContain('eks:ListFargateProfiles');
    expect(line).toContain('the Fargate profiles of EKS cluster demo: AWS denied');
  });
});
