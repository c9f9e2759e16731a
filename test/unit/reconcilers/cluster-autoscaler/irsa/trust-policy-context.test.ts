/**
 * checkTrustPolicy against IAM's rules for the web-identity request context: a key the request lacks makes
 * StringEquals/StringLike false and …IfExists true; {"AWS": "*"} is no web identity; a Deny that may apply is not "ok".
 */
import { describe, expect, it } from 'vitest';
import { checkTrustPolicy, type TrustPolicyCheck } from '../../../../../src/reconcilers/cluster-autoscaler/irsa/trust-policy.js';
import { doc, HOST, PROVIDER, stmt, SUB, TARGET } from './policies.js';

const EKSCTL = { [`${HOST}:sub`]: SUB, [`${HOST}:aud`]: 'sts.amazonaws.com' };
const deny = (over: Record<string, unknown>) => ({ Effect: 'Deny', Principal: { Federated: PROVIDER }, Action: 'sts:AssumeRoleWithWebIdentity', ...over });
// The Deny many organisations add to every role: no one outside the organisation may assume it.
const orgGuard = {
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: 'sts:AssumeRole*',
  Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
};

type Verdict = Exclude<TrustPolicyCheck, { ok: true }>['reason'] | 'ok';
// [name, policy document, expected verdict, warnings expected when ok]
const cases: [string, unknown, Verdict, number?][] = [
  // A key the request lacks: StringEquals/StringLike/ForAnyValue false, …IfExists/negated/ForAllValues true.
  ['rejects a statement that also needs the Cognito-only amr claim, which an EKS token never gives STS',
    doc(stmt({}, { StringEquals: EKSCTL, 'ForAnyValue:StringLike': { [`${HOST}:amr`]: 'authenticated' } })), 'ConditionKeyMissing'],
  ['rejects a statement that needs a session tag, which an EKS token does not carry',
    doc(stmt({}, { StringEquals: { ...EKSCTL, 'aws:RequestTag/team': 'platform' } })), 'ConditionKeyMissing'],
  ['rejects a statement keyed by the email claim of Google, not of this issuer',
    doc(stmt({}, { StringEquals: { ...EKSCTL, 'accounts.google.com:email': 'ops@example.com' } })), 'ConditionKeyMissing'],
  ['accepts StringEqualsIfExists on the amr claim, true when the key is missing',
    doc(stmt({}, { StringEquals: EKSCTL, StringEqualsIfExists: { [`${HOST}:amr`]: 'x' } })), 'ok', 0],
  ['accepts StringNotLike on a source identity the token does not set',
    doc(stmt({}, { StringEquals: EKSCTL, StringNotLike: { 'sts:SourceIdentity': 'admin-*' } })), 'ok', 0],
  ['accepts ForAllValues:StringEquals on aws:TagKeys when the token carries no tags',
    doc(stmt({}, { StringEquals: EKSCTL, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } })), 'ok', 0],
  ['still accepts, with a warning, an Allow that also checks the caller’s source IP',
    doc(stmt({}, { StringEquals: EKSCTL, IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } })), 'ok', 1],
  ['prefers a statement it can evaluate over one it cannot, and then has nothing to warn about',
    doc(stmt({}, { StringEquals: EKSCTL, IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }), stmt()), 'ok', 0],
  // Principal {"AWS": "*"} is every AWS account and IAM principal; a web identity is neither.
  ['rejects an Allow for {"AWS": "*"}, which does not cover web identities', doc(stmt({ Principal: { AWS: '*' } })), 'ProviderMismatch'],
  ['ignores the organisation guard Deny for {"AWS": "*"}, which does not cover web identities', doc(stmt(), orgGuard), 'ok', 0],
  ['still applies a Deny for Principal "*"', doc(stmt(), deny({ Principal: '*' })), 'ExplicitDeny'],
  // Deny statements: one that may apply makes the verdict "cannot verify".
  ['cannot verify a policy whose Deny depends on the caller’s source IP',
    doc(stmt(), deny({ Sid: 'OnlyFromVpc', Condition: { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8'] } } })), 'Unverifiable'],
  ['cannot verify a policy whose Deny for "*" depends on the role session name',
    doc(stmt(), deny({ Principal: '*', Condition: { StringNotLike: { 'sts:RoleSessionName': 'botocore-session-*' } } })), 'Unverifiable'],
  ['applies a Deny with StringEqualsIfExists on a session tag the token lacks (IfExists is true on a missing key)',
    doc(stmt(), deny({ Condition: { StringEqualsIfExists: { 'aws:RequestTag/env': 'dev' } } })), 'ExplicitDeny'],
  ['applies a Deny with StringNotEquals on the sub of another issuer (true on a missing key)',
    doc(stmt(), deny({ Condition: { StringNotEquals: { 'oidc.eks.us-east-1.amazonaws.com/id/OLD:sub': SUB } } })), 'ExplicitDeny'],
  ['ignores a Deny that needs the amr claim, which the request lacks',
    doc(stmt(), deny({ Condition: { StringEquals: { [`${HOST}:amr`]: 'unauthenticated' } } })), 'ok', 0],
  ['ignores a Deny for another service account even when it also checks the source IP',
    doc(stmt(), deny({ Condition: { StringEquals: { [`${HOST}:sub`]: 'system:serviceaccount:default:x' }, IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } })),
    'ok', 0],
];

describe('checkTrustPolicy and the web-identity request context', () => {
  it.each(cases)('%s', (_name, policy, expected, warnings) => {
    const result = checkTrustPolicy(policy, TARGET);
    expect(result.ok ? 'ok' : result.reason).toBe(expected);
    if (result.ok && warnings !== undefined) expect(result.warnings).toHaveLength(warnings);
  });

  it('names the statement, the operator and the key the request lacks', () => {
    const result = checkTrustPolicy(doc(stmt({ Sid: 'CognitoCopy' }, { StringEquals: { ...EKSCTL, [`${HOST}:amr`]: 'authenticated' } })), TARGET);
    expect(!result.ok && result.message).toContain(`statement 1 (Sid "CognitoCopy") needs StringEquals on "${HOST}:amr"`);
    expect(!result.ok && result.message).toContain(`only "${HOST}:sub" and "${HOST}:aud"`);
  });

  it('names the Deny statement and the key it cannot evaluate', () => {
    const result = checkTrustPolicy(doc(stmt(), deny({ Sid: 'OnlyFromVpc', Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })), TARGET);
    expect(!result.ok && result.message).toContain('Deny statement 2 (Sid "OnlyFromVpc")');
    expect(!result.ok && result.message).toContain('NotIpAddress on "aws:SourceIp"');
  });

  it('says why {"AWS": "*"} is not the OIDC provider', () => {
    const result = checkTrustPolicy(doc(stmt({ Principal: { AWS: '*' } })), TARGET);
    expect(!result.ok && result.message).toContain('found Principal.AWS "*", which covers AWS accounts and IAM principals but not web identities');
  });

  it('names the statement and the key of an Allow condition it could not evaluate', () => {
    const result = checkTrustPolicy(doc(stmt({}, { StringEquals: EKSCTL, IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } })), TARGET);
    expect(result.ok && result.warnings.join()).toContain('Condition IpAddress on "aws:SourceIp" in statement 1 was not evaluated');
  });
});
