/** IAM's condition operators over a request context that has a key, lacks it, or has a value only the live request knows. */
import { describe, expect, it } from 'vitest';
import { conditionHolds } from '../../../../../src/reconcilers/cluster-autoscaler/irsa/iam-policy.js';
import { webIdentityContext } from '../../../../../src/reconcilers/cluster-autoscaler/irsa/request-context.js';
import { HOST, SUB } from './policies.js';

const context = webIdentityContext(HOST, { sub: SUB, aud: 'sts.amazonaws.com' });
const holds = (operator: string, key: string, values: string[] = ['x']) => conditionHolds({ operator, key, values }, context);

describe('conditionHolds on a key the request lacks (IAM JSON policy elements: Condition operators)', () => {
  it.each([
    ['StringEquals', false],
    ['StringLike', false],
    ['StringEqualsIgnoreCase', false],
    ['StringNotEquals', true],
    ['StringNotLike', true],
    ['StringEqualsIfExists', true],
    ['StringLikeIfExists', true],
    ['ForAnyValue:StringEquals', false],
    ['ForAnyValue:StringNotEquals', false],
    ['ForAllValues:StringEquals', true],
    ['ForAllValues:StringNotLike', true],
    ['Bool', false],
    ['NumericLessThan', false],
    ['DateGreaterThan', false],
    ['IpAddress', false],
    ['NotIpAddress', true],
    ['ArnLike', false],
    ['ArnNotEquals', true],
    ['BoolIfExists', true],
  ])('%s is %s', (operator, expected) => {
    expect(holds(operator, `${HOST}:amr`)).toBe(expected);
  });

  it('leaves Null and operators IAM does not have to the caller ("cannot tell")', () => {
    expect(holds('Null', `${HOST}:amr`, ['true'])).toBeUndefined();
    expect(holds('StringLikeIgnoreCase', `${HOST}:amr`)).toBeUndefined();
    expect(holds('StringEqualz', `${HOST}:amr`)).toBeUndefined();
  });
});

describe('conditionHolds on keys only the live request knows', () => {
  it.each([
    ['IpAddress', 'aws:SourceIp'],
    ['StringLike', 'sts:RoleSessionName'],
    ['Bool', 'aws:SecureTransport'],
    ['DateLessThan', 'aws:CurrentTime'],
    ['StringEqualsIfExists', 'aws:SourceVpce'],
  ])('%s on %s cannot be told', (operator, key) => {
    expect(holds(operator, key)).toBeUndefined();
  });
});

describe('webIdentityContext', () => {
  it.each([
    [`${HOST}:sub`, { kind: 'value', value: SUB }],
    [`${HOST.toUpperCase()}:AUD`, { kind: 'value', value: 'sts.amazonaws.com' }],
    [`${HOST}:amr`, { kind: 'absent' }],
    ['oidc.eks.us-east-1.amazonaws.com/id/OLD:sub', { kind: 'absent' }],
    ['cognito-identity.amazonaws.com:aud', { kind: 'absent' }],
    ['aws:RequestTag/team', { kind: 'absent' }],
    ['aws:TagKeys', { kind: 'absent' }],
    ['sts:TransitiveTagKeys', { kind: 'absent' }],
    ['sts:SourceIdentity', { kind: 'absent' }],
    ['saml:aud', { kind: 'absent' }],
    ['aws:SourceIp', { kind: 'unknown' }],
    ['sts:RoleSessionName', { kind: 'unknown' }],
    ['aws:PrincipalOrgID', { kind: 'unknown' }],
  ])('%s is %j', (key, entry) => {
    expect(context(key)).toEqual(entry);
  });
});
