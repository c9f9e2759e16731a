import { describe, expect, it } from 'vitest';
import {
  accountIdFromArn,
  checkTrustPolicy,
  expectedProviderArn,
  roleNameFromArn,
  type TrustPolicyMismatch,
} from '../../../../../src/reconcilers/cluster-autoscaler/irsa/trust-policy.js';
import { ACCOUNT, doc, HOST, ISSUER, PROVIDER, stmt, SUB, TARGET } from './policies.js';

// [name, policy document, expected reason or 'ok']
const cases: [string, unknown, TrustPolicyMismatch | 'ok'][] = [
  ['accepts the policy eksctl writes (StringEquals on sub and aud)', doc(stmt()), 'ok'],
  ['accepts a single statement given as an object, not an array', { Version: '2012-10-17', Statement: stmt() }, 'ok'],
  ['accepts StringLike with a * wildcard covering the namespace',
    doc(stmt({}, { StringLike: { [`${HOST}:sub`]: 'system:serviceaccount:kube-system:*' } })), 'ok'],
  ['accepts StringLike with ? wildcards', doc(stmt({}, { StringLike: { [`${HOST}:sub`]: 'system:serviceaccount:kube-system:cluster-autoscale?' } })), 'ok'],
  ['accepts a sub list that contains the service account',
    doc(stmt({}, { StringEquals: { [`${HOST}:sub`]: ['system:serviceaccount:default:x', SUB] } })), 'ok'],
  ['accepts an Action list and a Federated list',
    doc(stmt({
      Action: ['sts:TagSession', 'sts:AssumeRoleWithWebIdentity'],
      Principal: { Federated: ['arn:aws:iam::123456789012:oidc-provider/other', PROVIDER] },
    })), 'ok'],
  ['accepts the action spelled with a wildcard (sts:AssumeRole*)', doc(stmt({ Action: 'sts:AssumeRole*' })), 'ok'],
  ['matches condition keys case-insensitively, as IAM does', doc(stmt({}, { StringEquals: { [`${HOST.toUpperCase()}:SUB`]: SUB } })), 'ok'],
  ['accepts when one of several statements allows (the others are for other service accounts)',
    doc(stmt({}, { StringEquals: { [`${HOST}:sub`]: 'system:serviceaccount:a:b' } }), stmt()), 'ok'],
  ['accepts StringEqualsIgnoreCase on a differently-cased value', doc(stmt({}, { StringEqualsIgnoreCase: { [`${HOST}:sub`]: SUB.toUpperCase() } })), 'ok'],
  ['ignores a Deny whose conditions do not hold for this service account',
    doc(stmt(), stmt({ Effect: 'Deny' }, { StringEquals: { [`${HOST}:sub`]: 'system:serviceaccount:default:x' } })), 'ok'],
  ['rejects an empty document', {}, 'NoWebIdentityStatement'],
  ['rejects a document that is not an object', 'not json', 'NoWebIdentityStatement'],
  ['rejects a policy that only trusts EC2',
    doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }), 'NoWebIdentityStatement'],
  ['rejects a web identity statement that is only a Deny', doc(stmt({ Effect: 'Deny' })), 'NoWebIdentityStatement'],
  ['rejects a provider of another cluster',
    doc(stmt({ Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/OTHER` } })), 'ProviderMismatch'],
  ['rejects the right provider path in another account',
    doc(stmt({ Principal: { Federated: `arn:aws:iam::210987654321:oidc-provider/${HOST}` } })), 'ProviderMismatch'],
  ['rejects a Federated principal written as the issuer URL rather than the provider ARN', doc(stmt({ Principal: { Federated: ISSUER } })), 'ProviderMismatch'],
  ['rejects a sub naming another namespace',
    doc(stmt({}, { StringEquals: { [`${HOST}:sub`]: 'system:serviceaccount:default:cluster-autoscaler' } })), 'SubjectMismatch'],
  ['rejects a sub naming another service account',
    doc(stmt({}, { StringEquals: { [`${HOST}:sub`]: 'system:serviceaccount:kube-system:ca' } })), 'SubjectMismatch'],
  ['rejects a StringLike pattern that does not cover the service account',
    doc(stmt({}, { StringLike: { [`${HOST}:sub`]: 'system:serviceaccount:default:*' } })), 'SubjectMismatch'],
  ['rejects a wildcard under StringEquals, where * is literal',
    doc(stmt({}, { StringEquals: { [`${HOST}:sub`]: 'system:serviceaccount:kube-system:*' } })), 'SubjectMismatch'],
  ['rejects sub conditions keyed by another issuer (a policy copied from another cluster)',
    doc(stmt({}, { StringEquals: { 'oidc.eks.us-east-1.amazonaws.com/id/OLD:sub': SUB } })), 'SubjectMismatch'],
  ['rejects a StringNotEquals that excludes this service account', doc(stmt({}, { StringNotEquals: { [`${HOST}:sub`]: SUB } })), 'SubjectMismatch'],
  ['rejects an aud other than sts.amazonaws.com',
    doc(stmt({}, { StringEquals: { [`${HOST}:sub`]: SUB, [`${HOST}:aud`]: 'sts.amazonaws.com.cn' } })), 'AudienceMismatch'],
  ['reports the subject first when both sub and aud are wrong',
    doc(stmt({}, { StringEquals: { [`${HOST}:sub`]: 'system:serviceaccount:a:b', [`${HOST}:aud`]: 'x' } })), 'SubjectMismatch'],
  ['rejects when an unconditional Deny for this provider overrides the Allow', doc(stmt(), stmt({ Effect: 'Deny', Condition: undefined })), 'ExplicitDeny'],
  ['rejects when a Deny for this very service account overrides the Allow', doc(stmt(), stmt({ Effect: 'Deny', Sid: 'NoCA' })), 'ExplicitDeny'],
];

describe('checkTrustPolicy', () => {
  it.each(cases)('%s', (_name, policy, expected) => {
    const result = checkTrustPolicy(policy, TARGET);
    expect(result.ok ? 'ok' : result.reason).toBe(expected);
  });

  it('quotes the expected and the found sub in a SubjectMismatch', () => {
    const result = checkTrustPolicy(doc(stmt({}, { StringEquals: { [`${HOST}:sub`]: 'system:serviceaccount:kube-system:ca' } })), TARGET);
    expect(result).toMatchObject({ ok: false, reason: 'SubjectMismatch' });
    expect(!result.ok && result.message).toContain(
      'sub "system:serviceaccount:kube-system:cluster-autoscaler" expected, found "system:serviceaccount:kube-system:ca"',
    );
  });

  it('names the StringLike operator beside a pattern that did not match', () => {
    const result = checkTrustPolicy(doc(stmt({}, { StringLike: { [`${HOST}:sub`]: 'system:serviceaccount:default:*' } })), TARGET);
    expect(!result.ok && result.message).toContain('found "system:serviceaccount:default:*" (StringLike)');
  });

  it('names the provider ARN it expected and the one it found', () => {
    const other = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/OTHER`;
    const result = checkTrustPolicy(doc(stmt({ Principal: { Federated: other } })), TARGET);
    expect(!result.ok && result.message).toContain(`Principal.Federated "${PROVIDER}" expected, found "${other}"`);
  });

  it('says a condition key belongs to another issuer', () => {
    const result = checkTrustPolicy(doc(stmt({}, { StringEquals: { 'oidc.eks.us-east-1.amazonaws.com/id/OLD:sub': SUB } })), TARGET);
    expect(!result.ok && result.message).toContain('another OIDC issuer');
  });

  it('names the Sid of an overriding Deny', () => {
    const result = checkTrustPolicy(doc(stmt(), stmt({ Effect: 'Deny', Sid: 'NoCA' })), TARGET);
    expect(!result.ok && result.message).toContain('Sid "NoCA"');
  });

  it('tells how to write the statement when there is none', () => {
    const result = checkTrustPolicy({}, TARGET);
    expect(!result.ok && result.message).toContain(`"${HOST}:sub": "${SUB}"`);
  });

  it('accepts a policy without any sub condition but warns that every service account can assume the role', () => {
    const result = checkTrustPolicy(doc(stmt({}, { StringEquals: { [`${HOST}:aud`]: 'sts.amazonaws.com' } })), TARGET);
    expect(result).toMatchObject({ ok: true });
    expect(result.ok && result.warnings.join()).toContain('every service account');
  });

  it('accepts but warns about conditions it cannot evaluate', () => {
    const result = checkTrustPolicy(doc(stmt({}, { StringEquals: { [`${HOST}:sub`]: SUB }, Null: { [`${HOST}:sub`]: 'false' } })), TARGET);
    expect(result.ok && result.warnings.join()).toContain('Condition Null');
  });

  it('accepts an issuer given with a trailing slash', () => {
    expect(checkTrustPolicy(doc(stmt()), { ...TARGET, oidcIssuer: `${ISSUER}/` })).toMatchObject({ ok: true });
  });
});

describe('ARN helpers', () => {
  it.each([
    ['arn:aws:iam::123456789012:role/cluster-autoscaler', 'cluster-autoscaler'],
    ['arn:aws:iam::123456789012:role/eks/addons/cluster-autoscaler', 'cluster-autoscaler'],
    ['arn:aws-cn:iam::123456789012:role/ca', 'ca'],
    ['arn:aws:iam::123456789012:user/ca', undefined],
    ['arn:aws:sts::123456789012:assumed-role/ca/session', undefined],
    ['cluster-autoscaler', undefined],
  ])('roleNameFromArn(%j) is %j', (arn, name) => {
    expect(roleNameFromArn(arn)).toBe(name);
  });

  it('reads the account of an ARN', () => {
    expect(accountIdFromArn('arn:aws:iam::123456789012:role/ca')).toBe('123456789012');
    expect(accountIdFromArn('not-an-arn')).toBeUndefined();
  });

  it('builds the provider ARN in the issuer’s partition', () => {
    expect(expectedProviderArn(ISSUER, ACCOUNT)).toBe(PROVIDER);
    expect(expectedProviderArn('https://oidc.eks.cn-north-1.amazonaws.com.cn/id/X', ACCOUNT)).toBe(
      `arn:aws-cn:iam::${ACCOUNT}:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/X`,
    );
  });
});
